"""Spreadsheet import of decisions and revocations: read, match, check, write all or nothing.

- :mod:`.sheets`, :mod:`.xlsx`: read a CSV/XLSX safely (bounded work, header found among title rows);
- :mod:`.vocabulary`: the province's own words and headers mapped onto the canonical fields;
- :mod:`.gazetteer`: units found by code or (damaged) name on the signing date;
- :mod:`.rows`: each row read and checked into a record;
- :mod:`.report`: what an import read, found and wrote, by row;
- :mod:`.importer`: :func:`import_file`, the dry run and the all-or-nothing write;
- :mod:`.uploads`: uploads through the API: dry run first, confirmation later, recovery after a crash.
"""
