"""nginx in front (``deploy/nginx.conf`` through ``deploy/stack.py``): versioned URLs kept, the others never stale.

The stack as shipped: PostgreSQL, ``geo-ntm serve --workers 2``, nginx. A tile URL that names
the current data version is answered by nginx from its cache after the first request, with the
service's bytes; a URL without a version always reaches the service, which revalidates it with
its ETag (304); after a write the unversioned layer shows it at once, and the new version's URL
is a new cache entry.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import httpx
import pytest

from geo_ntm.auth.tokens import create_token
from geo_ntm.status.store import open_store

pytestmark = pytest.mark.slow

GZIP = {"Accept-Encoding": "gzip"}


@pytest.fixture(scope="module")
def stack(pg_server, tmp_path_factory):
    if shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists():
        pytest.skip("nginx is not installed (as root: apt-get install nginx; make test does it when run as root)")
    from deploy.stack import Stack

    url, name = pg_server.schema_url()
    store = open_store(url)
    _, secret = create_token(store, "proxy-editor", "editor", actor="test")
    store.close()
    with Stack(2, store=url) as running:
        yield running, {"Authorization": f"Bearer {secret}"}
    pg_server.drop_schema(name)


def test_a_versioned_tile_is_kept_by_the_proxy_and_the_rest_revalidated(stack):
    running, editor = stack
    version = httpx.get(f"{running.url}/api/layers").json()["data_version"]
    tile = f"/api/tiles/communes/11/1626/901.mvt?year=2023&v={version}"
    first = httpx.get(running.url + tile, headers=GZIP)
    again = httpx.get(running.url + tile, headers=GZIP)
    direct = httpx.get(running.app_url + tile, headers=GZIP)
    assert first.status_code == again.status_code == 200
    assert (first.headers["X-Cache-Status"], again.headers["X-Cache-Status"]) == ("MISS", "HIT")
    assert again.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert again.content == direct.content and again.headers["ETag"] == direct.headers["ETag"]

    layer = "/api/layers/communes.geojson?date=2023-12-31"
    plain = httpx.get(running.url + layer, headers=GZIP)
    assert plain.headers["X-Cache-Status"] == "BYPASS" and int(plain.headers["X-Data-Version"]) == version
    same = httpx.get(running.url + layer, headers={"If-None-Match": plain.headers["ETag"], **GZIP})
    assert same.status_code == 304

    body = {"unit_code": "07243", "level": "dat_chuan", "signed": "2023-03-01", "source": "illustrative",
            "decision_no": "P-1"}  # fmt: skip
    assert httpx.post(running.url + "/api/decisions", json=body, headers=editor).status_code == 201
    fresh = httpx.get(running.url + layer, headers={"If-None-Match": plain.headers["ETag"], **GZIP})
    assert fresh.status_code == 200 and int(fresh.headers["X-Data-Version"]) == version + 1
    status = {f["properties"]["code"]: f["properties"]["status"] for f in fresh.json()["features"]}
    assert status["07243"] == "dat_chuan"
    new_tile = f"/api/tiles/communes/11/1626/901.mvt?year=2023&v={version + 1}"
    assert httpx.get(running.url + new_tile, headers=GZIP).headers["X-Cache-Status"] == "MISS"
    assert httpx.get(running.url + new_tile, headers=GZIP).headers["X-Cache-Status"] == "HIT"
