"""Import a province's official boundary file (shapefile or GeoPackage, usually VN-2000).

:func:`read_official` returns the features in EPSG:4326 with their provenance in
``gdf.attrs["provenance"]``; :func:`import_official` checks codes and names and writes a
GeoPackage layer ``units``. Neither guesses a CRS: a file without one must be named by the
caller, and a CRS that puts the data somewhere implausible is refused.
"""

from __future__ import annotations

import json
import os
import uuid
from datetime import date
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
from pyproj import CRS, Transformer
from pyproj.transformer import TransformerGroup

from geo_ntm.errors import CRSError, InvalidParameterError, SourceError
from geo_ntm.names import nfc

from . import vn2000 as vn
from .official_checks import HOW_TO_NAME, check_location, check_units, hint, validated


def read_official(path, *, crs=None, province=None, layer=None, ignore_file_crs=False):
    """Read an official boundary file into a GeoDataFrame in EPSG:4326.

    Parameters
    ----------
    path : str or Path
        Shapefile (with its .prj, if any), GeoPackage or any file GDAL reads.
    crs : str, int or pyproj.CRS, optional
        The file's CRS when it has none (see :func:`vn2000.crs_for` for the spellings).
    province : str or int, optional
        GSO code or name of the province ("2025:NN" for the 34 new ones). Without ``crs``
        it names the CRS (the province's TM-3 meridian); always, the data must lie there.
    layer : str, optional
        Layer to read; required when the file has several.
    ignore_file_crs : bool
        Use ``crs``/``province`` even when the file's own CRS says otherwise.

    Returns
    -------
    geopandas.GeoDataFrame
        Polygons in EPSG:4326; ``attrs["provenance"]`` holds the source name, layer, source
        CRS, how it was known, the transformation, whether a datum shift was attached, the
        1-based numbers of repaired features, and notes.

    Raises
    ------
    SourceError
        Missing, unreadable or empty file, or an unknown layer.
    CRSError
        No CRS and none given (the message says how to name it), a given CRS that disagrees
        with the file's or with the coordinates, or data landing outside Vietnam.
    GeometryError
        A feature that is empty, not a polygon, or invalid beyond a 1 % area repair.
    """
    path = Path(path)
    raw, layer = _read(path, layer)
    name = path.name
    src, info = _resolve_crs(name, _file_crs(path, raw), crs, province, ignore_file_crs, raw)
    check_units(name, raw, src)
    geoms, repaired = validated(name, raw.geometry.values)
    out = gpd.GeoDataFrame(raw.drop(columns=raw.geometry.name), geometry=list(geoms), crs=src)
    out = out.to_crs(4326)
    geoms, again = validated(name, out.geometry.values, after="reprojection")
    out = out.set_geometry(list(geoms), crs=4326)
    check_location(name, out, src, province)
    info.update(
        source=name,
        layer=layer,
        repaired=sorted(set(repaired) | set(again)),
        transformation=Transformer.from_crs(src, 4326, always_xy=True).description,
    )
    out.attrs["provenance"] = info
    return out


def import_official(
    path,
    out_path,
    *,
    code_field,
    name_field,
    valid_on,
    crs=None,
    province=None,
    layer=None,
    code_width=5,
    ignore_file_crs=False,
    overwrite=False,
) -> dict:
    """Read an official file, check its codes and names, and write GeoPackage layer ``units``.

    Codes must be non-empty and unique. Codes stored as numbers lost their leading zeros:
    they are zero-padded to ``code_width`` digits (5 for communes, 3 districts, 2
    provinces) and the report says so; a text code of digits shorter than that is refused.
    Names are stored in NFC. Nothing is written unless everything succeeds (the layer is
    written to a temporary file beside ``out_path``, then renamed).

    Parameters
    ----------
    path, crs, province, layer, ignore_file_crs
        As for :func:`read_official`.
    out_path : str or Path
        GeoPackage to write (columns code, name, valid_on, geometry; EPSG:4326).
    code_field, name_field : str
        Fields of the source holding the GSO code and the official name.
    valid_on : datetime.date or str
        Date (ISO) on which the boundaries are valid; stored as ISO text.
    code_width : int
        Digits of a numeric code after zero-padding.
    overwrite : bool
        Replace an existing ``out_path``.

    Returns
    -------
    dict
        source, layer, out, features, source_crs, crs_origin, transformation,
        transformation_attached, repaired, codes (a note or None), bounds, notes.
    """
    out_path = Path(out_path)
    try:
        day = valid_on if isinstance(valid_on, date) else date.fromisoformat(str(valid_on))
    except ValueError:
        raise InvalidParameterError(f"valid_on {valid_on!r} is not a date (YYYY-MM-DD)") from None
    if out_path.exists() and not overwrite:
        raise InvalidParameterError(f"{out_path} already exists; pass overwrite=True (--force)")
    if not out_path.parent.is_dir():
        raise InvalidParameterError(f"folder {out_path.parent} does not exist")
    gdf = read_official(path, crs=crs, province=province, layer=layer, ignore_file_crs=ignore_file_crs)
    for field in (code_field, name_field):
        if field not in gdf.columns:
            fields = ", ".join(c for c in gdf.columns if c != gdf.geometry.name)
            raise SourceError(path, f"no field {field!r}; the fields are: {fields}", column=field)
    codes, note = _codes(path, gdf[code_field], code_field, code_width)
    names = []
    for row, value in enumerate(gdf[name_field], 1):
        if _blank(value):
            raise SourceError(path, "empty name", row=row, column=name_field)
        names.append(nfc(str(value)))
    units = gpd.GeoDataFrame(
        {"code": codes, "name": names, "valid_on": day.isoformat()}, geometry=gdf.geometry.values, crs=4326
    )
    info = gdf.attrs["provenance"]
    meta = {"geo_ntm_provenance": json.dumps({**info, "codes": note}, ensure_ascii=False)}
    _write_atomically(units, out_path, meta)
    keep = (
        "source",
        "layer",
        "source_crs",
        "crs_origin",
        "transformation",
        "transformation_attached",
        "repaired",
        "notes",
    )
    return {
        **{k: info[k] for k in keep},
        "out": str(out_path),
        "features": len(units),
        "codes": note,
        "bounds": [round(float(v), 6) for v in units.total_bounds],
    }


def _read(path: Path, layer):
    if not path.exists():
        raise SourceError(path, "file not found")
    if path.is_dir():
        raise SourceError(path, "is a folder; name the .shp or .gpkg file in it")
    try:
        layers = [str(n) for n, _ in pyogrio.list_layers(path)]
    except Exception as exc:
        raise SourceError(path, f"not a file GDAL reads (shapefile, GeoPackage…): {exc}") from None
    if layer is None and len(layers) > 1:
        raise SourceError(path, f"has {len(layers)} layers ({', '.join(layers)}); choose one with --layer")
    layer = layers[0] if layer is None else str(layer)
    if layer not in layers:
        raise SourceError(path, f"has no layer {layer!r}; its layers are: {', '.join(layers)}")
    try:
        raw = gpd.read_file(path, layer=layer, engine="pyogrio")
    except Exception as exc:
        raise SourceError(path, f"cannot be read: {exc}") from None
    if not isinstance(raw, gpd.GeoDataFrame) or len(raw) == 0:
        raise SourceError(path, f"layer {layer!r} has no features with geometry")
    return raw, layer


def _file_crs(path: Path, raw):
    """The file's CRS: a shapefile's .prj read by PROJ itself (GDAL drops its TOWGS84)."""
    prj = next((p for p in (path.with_suffix(".prj"), path.with_suffix(".PRJ")) if p.exists()), None)
    if path.suffix.lower() == ".shp" and prj is not None:
        try:
            return CRS.from_user_input(prj.read_text(errors="replace").strip())
        except Exception:
            if raw.crs is None:
                return "unreadable"
    return raw.crs


def _resolve_crs(name, file_crs, crs, province, ignore_file_crs, raw):
    """The CRS to read in: the file's (checked against ``crs``), else ``crs`` or the province's."""
    given = vn.crs_for(crs) if crs is not None else None
    if file_crs == "unreadable":
        if given is None and province is None:
            raise CRSError(f"{name}: its .prj cannot be read; fix or delete it and {HOW_TO_NAME}")
        file_crs = None
    if file_crs is not None and not ignore_file_crs:
        used, info = _from_file(name, file_crs)
        if given is not None and not _base(used).equals(_base(given), ignore_axis_order=True):
            raise CRSError(
                f"{name}: the file says its CRS is {file_crs.name!r} but you named "
                f"{given.name!r}. If the file's .prj is wrong, pass "
                "ignore_file_crs=True (--ignore-prj)"
            )
        return used, info
    how = f"given: {crs}"
    if given is None and province is not None:
        given, how = vn.province_crs(province), f"given: province {province}"
    if given is None:
        raise CRSError(
            f"{name}: the file has no CRS (no .prj) and none was given; {HOW_TO_NAME}.{hint(raw.total_bounds)}"
        )
    return given, _info(given, how, given.is_bound and vn.is_vn2000(given), [])


def _base(crs: CRS) -> CRS:
    return crs.source_crs if crs.is_bound else crs


def _info(crs, origin, attached, notes):
    towgs = vn.towgs84_of(crs)
    return {
        "source_crs": crs.name,
        "source_crs_wkt": crs.to_wkt(),
        "crs_origin": origin,
        "towgs84": list(towgs) if towgs else None,
        "transformation_attached": attached,
        "notes": notes,
    }


def _from_file(name, crs: CRS):
    """Use the file's CRS; on VN-2000 pin EPSG:6960 and say whether the file carried it."""
    if vn.is_vn2000(crs):
        try:
            used, attached, note = vn.pin_vn2000(crs)
        except CRSError as exc:
            raise CRSError(f"{name}: {exc}") from None
        return used, _info(used, "file", attached, [note] if note else [])
    if not crs.is_bound:
        try:
            ops = [
                t
                for t in TransformerGroup(crs, 4326, always_xy=True).transformers
                if "ballpark" not in t.description.lower()
            ]
        except Exception as exc:
            raise CRSError(f"{name}: PROJ cannot transform its CRS {crs.name!r}: {exc}") from None
        if len(ops) != 1:
            found = "; ".join(t.description for t in ops) or "none"
            raise CRSError(
                f"{name}: the datum of its CRS {crs.name!r} has no single "
                f"transformation to WGS 84 (PROJ knows: {found}); name the CRS with "
                "its datum shift, e.g. --crs '+proj=... +towgs84=...' --ignore-prj"
            )
    return crs, _info(crs, "file", False, [])


def _blank(value) -> bool:
    return value is None or (pd.api.types.is_scalar(value) and bool(pd.isna(value))) or not str(value).strip()


def _codes(path, values: pd.Series, field: str, width: int):
    codes, padded = [], 0
    numeric = pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
    for row, v in enumerate(values, 1):
        if _blank(v):
            raise SourceError(path, "empty code", row=row, column=field)
        if numeric:
            if float(v) != int(v) or v < 0 or len(str(int(v))) > width:
                raise SourceError(
                    path, f"code {v!r} is not a whole number of at most {width} digits", row=row, column=field
                )
            code = str(int(v)).zfill(width)
            padded += code != str(int(v))
        else:
            code = nfc(str(v))
            if code.isdigit() and len(code) < width:
                raise SourceError(
                    path,
                    f"code {code!r} has {len(code)} digits, not {width}: "
                    "its leading zeros were lost before the file was made; fix "
                    "the source or pass code_width",
                    row=row,
                    column=field,
                )
        codes.append(code)
    seen: dict[str, list[int]] = {}
    for row, code in enumerate(codes, 1):
        seen.setdefault(code, []).append(row)
    dups = {c: rows for c, rows in seen.items() if len(rows) > 1}
    if dups:
        listed = "; ".join(f"{c} (features {', '.join(map(str, r))})" for c, r in list(dups.items())[:10])
        raise SourceError(path, f"duplicate codes: {listed}", column=field)
    note = (
        (f"field {field!r} stores codes as numbers; zero-padded to {width} digits ({padded} of {len(codes)} changed)")
        if numeric
        else None
    )
    return codes, note


def _write_atomically(frame, out_path: Path, meta: dict) -> None:
    tmp = out_path.with_name(f".{out_path.stem}.{uuid.uuid4().hex[:8]}.tmp.gpkg")
    try:
        frame.to_file(tmp, layer="units", driver="GPKG", engine="pyogrio", promote_to_multi=True, layer_metadata=meta)
        os.replace(tmp, out_path)
    finally:
        for p in (tmp, *(Path(f"{tmp}{s}") for s in ("-wal", "-shm", "-journal"))):
            p.unlink(missing_ok=True)
