"""Checks of the input contract and conversions of property values, shared by the output modules."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, datetime

import geopandas as gpd
import numpy as np
import orjson
import pandas as pd
from pyproj import CRS

from geo_ntm import palette
from geo_ntm.errors import CRSError, InvalidParameterError
from geo_ntm.status.levels import LABELS, STATUSES

#: Raster class code of each status: 1, 2, … in the order of ``levels.STATUSES``; 0 is "no unit".
CLASS_CODES = {status: i for i, status in enumerate(STATUSES, start=1)}
#: The status meaning "no data"; a unit whose status is None is classed and drawn the same.
NO_DATA_STATUS = "khong_du_lieu"
NO_STATUS_CLASS = CLASS_CODES.get(NO_DATA_STATUS, len(STATUSES) + 1)
_LONLAT = (CRS.from_epsg(4326), CRS.from_user_input("OGC:CRS84"))


def check_layer(gdf, columns: Sequence[str] = ("code",), what: str = "layer") -> None:
    """Raise unless ``gdf`` is a GeoDataFrame in EPSG:4326 holding ``columns``."""
    if not isinstance(gdf, gpd.GeoDataFrame):
        raise InvalidParameterError(f"{what} must be a GeoDataFrame, not {type(gdf).__name__}")
    if gdf.crs is None or not any(gdf.crs.equals(c, ignore_axis_order=True) for c in _LONLAT):
        named = "no CRS" if gdf.crs is None else f"CRS {gdf.crs.to_string()}"
        raise CRSError(
            f"{what} has {named} but must be in EPSG:4326 (longitude, latitude); "
            "call .set_crs(4326) or .to_crs(4326) first"
        )
    missing = [c for c in columns if c not in gdf.columns]
    if missing:
        raise InvalidParameterError(f"{what} has no column(s) {missing}; it has {list(gdf.columns)}")


def property_columns(gdf: gpd.GeoDataFrame, properties: Sequence[str] | None) -> list[str]:
    """The property columns to write: all but the geometry when ``properties`` is None."""
    geometry = gdf.geometry.name
    if properties is None:
        return [c for c in gdf.columns if c != geometry]
    if isinstance(properties, str):
        raise InvalidParameterError(f"properties must be a list of column names, not the string {properties!r}")
    wrong = [c for c in properties if c not in gdf.columns or c == geometry]
    if wrong:
        allowed = [c for c in gdf.columns if c != geometry]
        raise InvalidParameterError(f"properties {wrong} are not columns of the layer; choose from {allowed}")
    return list(properties)


def status_classes(status: pd.Series) -> np.ndarray:
    """Raster class code (uint8) of each status; None/NaN → :data:`NO_STATUS_CLASS`."""
    values = status.astype(object).where(status.notna(), None)
    wrong = sorted({str(v) for v in values if v is not None and v not in CLASS_CODES})
    if wrong:
        raise InvalidParameterError(f"status {wrong} is not one of {list(CLASS_CODES)} or None")
    return np.array([CLASS_CODES[v] if v is not None else NO_STATUS_CLASS for v in values], dtype=np.uint8)


def class_table() -> list[dict]:
    """Every raster class: code, status key, Vietnamese and English labels, colour."""
    rows = [
        {"code": code, "status": s, "vi": LABELS["vi"][s], "en": LABELS["en"][s], "color": palette.color(s)}
        for s, code in CLASS_CODES.items()
    ]
    if NO_STATUS_CLASS not in CLASS_CODES.values():
        rows.append(
            {
                "code": NO_STATUS_CLASS,
                "status": NO_DATA_STATUS,
                "vi": "Chưa có dữ liệu",
                "en": "No data",
                "color": palette.NO_DATA,
            }
        )
    return rows


def json_default(value):
    """orjson ``default``: the types orjson does not write itself."""
    if value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=str)
    return str(value)


def cell(value):
    """A property value for a file cell or a tile: str, int, float, bool, date/datetime, list, dict or None.

    Unlike :func:`geo_ntm.plain.plain` (JSON answers), dates stay dates: Excel and GeoPackage keep them typed.
    """
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, (str, bool, int, float, date, datetime, list, dict)):
        return value
    if isinstance(value, (tuple, set, frozenset, np.ndarray)):
        return orjson.loads(orjson.dumps(value, default=json_default, option=orjson.OPT_SERIALIZE_NUMPY))
    return str(value)


def text(value) -> str:
    """A plain value as text: dates in ISO form, lists and dicts as JSON."""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (list, dict)):
        return orjson.dumps(value, default=json_default, option=orjson.OPT_SERIALIZE_NUMPY).decode()
    return str(value)
