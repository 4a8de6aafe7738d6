"""A copy of the region file with hostile unit names, for escaping tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyogrio

from geo_ntm.paths import DEFAULT_REGION


def region_with_names(tmp: Path, names: dict[str, str]) -> Path:
    """Copy the embedded region to ``tmp`` and rename the units with the given codes (all versions)."""
    region = tmp / "region.gpkg"
    shutil.copy(DEFAULT_REGION, region)
    units = pyogrio.read_dataframe(region, layer="units")
    for code, name in names.items():
        units.loc[units["code"] == code, "name"] = name
    pyogrio.write_dataframe(units, region, layer="units", layer_options={"OVERWRITE": "YES"}, promote_to_multi=True)
    return region
