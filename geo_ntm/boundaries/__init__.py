"""Boundary history: which units existed on a date, their shapes, and what they came from.

- :mod:`.sources`: readers for the source files, with errors that name the file and row.
- :mod:`.codelists`: the official code lists on every date, rolled back from the June 2025
  list through the GSO change history.
- :mod:`.geometry`: matching the 2013 polygons to codes, cleaning them into a coverage, areas.
- :mod:`.lineage`: unit versions and reorganisation events, worked out from the sources.
- :mod:`.build`: the reproducible build (``geo-ntm boundaries build``) writing a GeoPackage.
- :mod:`.atlas`: the built dataset loaded for queries (units on a date, lineage, crosswalks).
- :mod:`.check`: checks of a built dataset against the official lists.
- :mod:`.official`, :mod:`.official_checks`, :mod:`.vn2000`: importing a province's own files
  (VN-2000 shapefiles, TM-3 on the province's meridian), refusing an undeterminable CRS.
"""
