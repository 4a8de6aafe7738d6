"""From a letter to a map: the units, figures and targets an official document names.

- :mod:`.reading`: the text of a .txt, .docx or PDF (with a text layer; PDFs parsed in a
  child process with limits), hostile files refused with a message that says what to give.
- :mod:`.text`, :mod:`.vocab`: tokens with OCR-tolerant keys, sentences, paragraphs; phrases.
- :mod:`.units`: administrative units named, matched with :mod:`geo_ntm.matching` against the
  units in force on the document's date; ambiguous names keep their candidates.
- :mod:`.identity`: the document's number, kind, date and issuer; the documents it cites.
- :mod:`.facts`: status phrases tied to units, figures, deadlines.
- :mod:`.analysis`: all of it as one JSON-ready dict (:func:`~.analysis.analyse`).
- :mod:`.compare`: figures, claims and targets checked against the records (unknown is never
  agreement).
- :mod:`.drafts`, :mod:`.layer`: CSV of mentions, GeoJSON of units, draft imports of targets
  and decisions (which go through the import's dry run and confirm).
- :mod:`.service`: documents kept in their own SQLite file, read in the background.
"""
