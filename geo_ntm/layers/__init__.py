"""Map outputs of a status layer: GeoJSON, vector and PNG tiles, GeoTIFF, CSV/XLSX/GeoPackage.

Every function takes a *status layer*: a GeoDataFrame in EPSG:4326 with at least ``code``,
``name`` and ``status`` (a key of :data:`geo_ntm.palette.COLORS`, or None, which is drawn like
``khong_du_lieu``, no data), plus any other properties (str, int, float, bool, None, dates, or
lists/dicts that JSON can hold). The units of one level on one date form a clean polygon
coverage, which :mod:`.simplify` keeps.

No HTTP here: functions return GeoDataFrames or bytes, and raise the errors of
:mod:`geo_ntm.errors` with messages that say what is allowed.
"""
