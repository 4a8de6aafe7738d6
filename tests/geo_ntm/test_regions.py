"""Region names: a path is itself; ``vn`` is built once into a cache and rebuilt when its sources change."""

from __future__ import annotations

import pytest

from geo_ntm.boundaries.atlas import Atlas
from geo_ntm.boundaries.regions import resolve_region
from geo_ntm.errors import InvalidParameterError
from geo_ntm.paths import DEFAULT_REGION

from .synthetic import write_sources


def test_a_region_file_is_itself():
    assert resolve_region(DEFAULT_REGION) == DEFAULT_REGION
    assert resolve_region(str(DEFAULT_REGION)) == DEFAULT_REGION


def test_an_unknown_name_says_which_names_exist():
    with pytest.raises(InvalidParameterError, match=r"neither a region file.*'vn'"):
        resolve_region("narnia")


def test_the_national_region_is_built_on_first_use_then_reused_until_a_source_changes(tmp_path):
    sources = write_sources(tmp_path / "sources")
    said = []
    path = resolve_region("VN", cache_dir=tmp_path / "cache", sources_dir=sources, progress=said.append)
    assert path.name == "vn-viet-nam.gpkg" and Atlas.load(path).name == "Việt Nam"
    assert any("first use" in s for s in said)
    built = path.stat().st_mtime_ns
    said.clear()
    assert resolve_region("vn", cache_dir=tmp_path / "cache", sources_dir=sources, progress=said.append) == path
    assert path.stat().st_mtime_ns == built and not said
    (sources / "legal_acts.csv").write_text(
        (sources / "legal_acts.csv").read_text(encoding="utf-8") + "2020-01-01,98,commune,9/NQ-X,x,y\n",
        encoding="utf-8",
    )
    resolve_region("national", cache_dir=tmp_path / "cache", sources_dir=sources, progress=said.append)
    assert said and path.stat().st_mtime_ns != built
