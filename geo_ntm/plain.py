"""Values made ready for JSON: the one place that says how a table cell becomes an answer's value.

Dates are ISO text (the open end of a validity, ``date.max``, is None: "still in force"), NaN,
NaT and pandas' NA are None, numpy scalars are Python numbers, and lists, tuples and dicts are
cleaned inside. Used by the planning answers, the boundary answers and the summary.
"""

from __future__ import annotations

import math
from datetime import date, datetime

import numpy as np
import pandas as pd

OPEN_END = date.max


def plain(value):
    """A JSON-ready value (see the module's docstring)."""
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return None if value == OPEN_END else value.isoformat()
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def object_strings(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with text columns as plain Python strings (object dtype).

    pandas 3 gives text its ``str`` dtype, which is slow to read element by element (row loops
    over the ~10^4 communes of the national region spend most of their time there).
    """
    frame = frame.copy()
    for col in frame.columns:
        if isinstance(frame[col].dtype, pd.StringDtype):
            frame[col] = frame[col].astype(object)
    return frame
