"""Simplified outlines kept on disk: read back equal, keyed by region and units, never an error."""

from __future__ import annotations

import logging
import os

import numpy as np
import pytest
import shapely
from fastapi.testclient import TestClient

from api.main import create_app
from api.settings import Settings
from geo_ntm.layers.outline_store import OutlineStore
from geo_ntm.layers.simplify import simplify_for_zoom
from geo_ntm.paths import DEFAULT_REGION

from .conftest import DAY


@pytest.fixture(scope="module")
def simplified(atlas):
    layer = atlas.units_on(DAY, "commune")[["uid", "code", "name", "geometry"]].assign(status=None)
    shapes = dict(zip(layer["uid"], simplify_for_zoom(layer, 9).geometry))
    shapes[next(iter(shapes))] = None  # a unit without an outline is kept as one
    return tuple(shapes), shapes


def test_outlines_read_back_equal(tmp_path, simplified):
    uids, shapes = simplified
    store = OutlineStore(tmp_path, DEFAULT_REGION)
    assert store.get(9, uids) is None
    store.put(9, uids, shapes)
    back = OutlineStore(tmp_path, DEFAULT_REGION).get(9, uids)  # another worker, same folder
    assert list(back) == list(uids)
    assert back[uids[0]] is None
    same = [shapely.to_wkb(back[u]) == shapely.to_wkb(shapes[u]) for u in uids[1:]]
    assert all(same) and len(same) == len(uids) - 1
    assert store.get(7, uids) is None and store.get(9, uids[1:]) is None  # another band, other units


def test_another_region_file_does_not_see_them(tmp_path, simplified):
    uids, shapes = simplified
    OutlineStore(tmp_path / "kept", DEFAULT_REGION).put(9, uids, shapes)
    other = tmp_path / "other.gpkg"
    other.write_bytes(DEFAULT_REGION.read_bytes() + b"\0")  # a rebuilt region is another file
    assert OutlineStore(tmp_path / "kept", other).get(9, uids) is None


def test_a_damaged_or_foreign_file_is_a_miss(tmp_path, simplified, caplog):
    uids, shapes = simplified
    store = OutlineStore(tmp_path, DEFAULT_REGION)
    store.put(9, uids, shapes)
    [path] = list(tmp_path.rglob("*.npz"))
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with caplog.at_level(logging.WARNING):
        assert store.get(9, uids) is None
    assert "unreadable" in caplog.text
    store.put(9, uids, shapes)  # computed again and replaced
    assert store.get(9, uids) is not None
    with np.load(path) as f:  # a file holding other units under this name (a digest collision) is not used
        parts = {k: f[k] for k in f.files}
    parts["uids"] = parts["uids"][::-1]
    np.savez(path, **parts)
    assert store.get(9, uids) is None


def test_a_folder_that_cannot_be_written_keeps_them_in_memory(tmp_path, simplified, caplog):
    uids, shapes = simplified
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    store = OutlineStore(blocked / "outlines", DEFAULT_REGION)
    with caplog.at_level(logging.WARNING):
        store.put(9, uids, shapes)
        store.put(7, uids, shapes)
    assert store.get(9, uids) is None
    assert caplog.text.count("kept in memory only") == 1


def test_a_second_worker_reads_the_outlines_the_first_simplified(tmp_path, monkeypatch):
    settings = Settings(store=tmp_path / "s.sqlite", region_cache=tmp_path / "cache")
    url = "/api/layers/communes.geojson?date=2023-06-30&zoom=9"
    with TestClient(create_app(settings)) as first:
        one = first.get(url)
    assert one.status_code == 200 and list((tmp_path / "cache" / "outlines").rglob("band9-*.npz"))

    def simplify_again(*args, **kwargs):
        raise AssertionError("simplified again although the outlines were kept")

    monkeypatch.setattr("geo_ntm.catalog.simplify_for_zoom", simplify_again)
    with TestClient(create_app(settings)) as second:
        two = second.get(url)
    assert two.status_code == 200 and two.json() == one.json()


def test_the_folder_keeps_the_files_used_last_within_its_bound(tmp_path, simplified):
    uids, shapes = simplified
    store = OutlineStore(tmp_path, DEFAULT_REGION)
    store.put(9, uids, shapes)
    store.put(7, uids, shapes)
    files = {f.name.split("-")[0]: f for f in tmp_path.rglob("band*.npz")}
    assert set(files) == {"band9", "band7"}
    old = files["band9"].stat().st_mtime - 100
    os.utime(files["band9"], (old, old))
    os.utime(files["band7"], (old - 10, old - 10))  # band 7 written before band 9 ...
    assert store.get(9, uids) is not None  # ... and band 9 read just now
    store.max_bytes = files["band9"].stat().st_size * 2 + files["band7"].stat().st_size // 2
    store.put(5, uids, shapes)  # one file too many: the one used longest ago goes
    assert store.get(7, uids) is None
    assert store.get(9, uids) is not None and store.get(5, uids) is not None


def test_full_detail_is_not_written_to_disk(tmp_path):
    settings = Settings(store=tmp_path / "s.sqlite", region_cache=tmp_path / "cache")
    with TestClient(create_app(settings)) as client:
        assert client.get("/api/layers/communes.geojson?date=2023-06-30&zoom=14").status_code == 200
        assert client.get("/api/layers/communes.geojson?date=2023-06-30&zoom=12").status_code == 200
    kept = sorted(f.name.split("-")[0] for f in (tmp_path / "cache" / "outlines").rglob("*.npz"))
    assert kept == ["band12"]
