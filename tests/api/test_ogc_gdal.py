"""GDAL's OGC API - Features client (``ogrinfo``, Debian ``gdal-bin``) reads every collection.

QGIS and other GIS tools connect through the same driver (OAPIF), so what ogrinfo reads without
an error, they read too. The service runs for real (uvicorn on a free loopback port); ogrinfo
lists the collections, summarises each (``-al -so``: metadata, temporal extent, feature count)
and reads features, on today (districts: none, with a note) and on a day each collection has
units. Any ``ERROR`` or ``Warning`` ogrinfo prints (an HTTP 500 while listing, a page it cannot
parse) fails the test.
"""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from api.main import create_app
from api.settings import Settings
from tests.browser import serve

OGRINFO = shutil.which("ogrinfo")
pytestmark = pytest.mark.skipif(
    OGRINFO is None, reason="GDAL's ogrinfo is not installed (apt-get install gdal-bin; make test does it as root)"
)
COLLECTIONS = ("communes", "districts", "provinces", "dbkk")
#: A small box in the middle of the province (ogrinfo -spat sends it as bbox=): a few features to read.
BOX = ("106.15", "21.15", "106.35", "21.35")


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    store = tmp_path_factory.mktemp("ogc") / "s.sqlite"
    with serve(create_app(Settings(store=store))) as base:
        yield base


def ogrinfo(*args: str) -> str:
    done = subprocess.run([OGRINFO, "-ro", *args], capture_output=True, text=True, timeout=120)
    said = done.stdout + done.stderr
    problems = [line for line in said.splitlines() if re.match(r"(ERROR|Warning) \d", line)]
    assert done.returncode == 0 and not problems, f"ogrinfo {' '.join(args)}:\n{said[-2000:]}"
    return done.stdout


def test_ogrinfo_lists_every_collection(service):
    out = ogrinfo(f"OAPIF:{service}/ogc")
    for name in COLLECTIONS:
        assert re.search(rf"^\d+: {name} ", out, re.M), out


@pytest.mark.parametrize("name", COLLECTIONS)
def test_ogrinfo_reads_every_collection_today_and_on_a_day_it_has_units(service, name):
    summary = ogrinfo("-al", "-so", f"OAPIF:{service}/ogc", name)
    assert f"Layer name: {name}" in summary and "TEMPORAL_INTERVAL_MIN=2010-09-28T00:00:00Z" in summary
    count = int(re.search(r"Feature Count: (\d+)", summary).group(1))
    if name == "districts":  # abolished on 2025-07-01: today has none, and the extent says when they ended
        assert count == 0 and "TEMPORAL_INTERVAL_MAX=2025-06-30T23:59:59Z" in summary
    elif name in ("communes", "provinces"):
        assert count > 0 and "TEMPORAL_INTERVAL_MAX" not in summary
    day = "2025-06-30"  # the last day with districts, inside a list of especially difficult communes
    url = f"OAPIF:{service}/ogc/collections/{name}?datetime={day}"
    assert int(re.search(r"Feature Count: (\d+)", ogrinfo("-al", "-so", url)).group(1)) > 0
    features = ogrinfo("-al", "-q", "-spat", *BOX, url) if name != "dbkk" else ogrinfo("-al", "-q", url)
    assert features.count(f"OGRFeature({name}):") > 0
    assert "status (String) = " in features and "MULTIPOLYGON" in features
