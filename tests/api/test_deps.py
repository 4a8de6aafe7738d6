"""The shared request parameters (``api/deps.py``): one way to read a date, a year and the base URL.

Dates: ``date=YYYY-MM-DD`` or ``year=YYYY`` (not both), default today, inside the region's range
(2010-09-28 to today), one message for each mistake, the same on every route. Links in answers
come from one base URL (``GEO_NTM_PUBLIC_URL`` or the request's) and are never cached with a
request's ``Host`` (issue 12: cache poisoning).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from api.settings import Settings
from geo_ntm.when import today

TOMORROW = (today() + timedelta(days=1)).isoformat()
#: Routes that read a date through the When dependency: every one must say the same thing.
DATED = ["/api/layers/communes.geojson", "/api/status", "/api/summary", "/ogc/collections/communes/items",
         "/api/tiles/communes/tilejson.json", "/maps/status", "/dashboard", "/embed/status", "/share"]  # fmt: skip


def _detail(r) -> str:
    return r.text if r.headers["content-type"].startswith("text/html") else str(r.json()["detail"])


@pytest.mark.parametrize("url", DATED)
@pytest.mark.parametrize(
    ("params", "says"),
    [
        ({"date": "2023-12-31junk"}, "write it as YYYY-MM-DD"),
        ({"date": "31/12/2023"}, "write it as YYYY-MM-DD"),
        ({"date": "2023-02-30"}, "write it as YYYY-MM-DD"),
        ({"date": "0"}, "write it as YYYY-MM-DD"),
        ({"date": "2001-01-01"}, "begins on 2010-09-28"),
        ({"date": TOMORROW}, "in the future"),
        ({"year": "2009"}, "is covered from 2010"),
        ({"year": str(today().year + 1)}, "has not come yet"),
        ({"date": "2023-12-31", "year": "2023"}, "not both"),
    ],
)
def test_every_dated_route_reads_a_date_the_same_way(client, url, params, says):
    if url.startswith("/ogc") and "date" in params:
        params = {"datetime": params["date"]} if "year" not in params else None
        if params is None:
            return  # OGC API has no year parameter
        says = {"write it as YYYY-MM-DD": "RFC 3339"}.get(says, says) if params["datetime"] != "2023-02-30" else says
    elif url.startswith("/ogc"):
        return
    r = client.get(url, params=params, headers={"accept-language": "en"})
    assert r.status_code == 422, (url, params, r.status_code)
    assert says in _detail(r), (url, params, _detail(r)[:300])
    assert "Traceback" not in r.text and "internal" not in r.text.lower()


def test_no_date_means_today_on_every_dated_route(client):
    geo = client.get("/api/layers/provinces.geojson", params={"fields": "code"})
    assert geo.status_code == 200 and geo.json()["features"]
    assert client.get("/api/summary").json()["as_of"] == today().isoformat()
    tilejson = client.get("/api/tiles/communes/tilejson.json").json()
    assert f"date={today().isoformat()}" in tilejson["tiles"][0]
    page = client.get("/maps/status", headers={"accept-language": "en"}).text
    assert f'"date": "{today().isoformat()}"' in page and '"year"' not in page.split('"when"')[1][:20]
    # A form's empty field is "not given": the dashboard's year select has an empty "today" option.
    assert client.get("/dashboard", params={"year": ""}).status_code == 200


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("/api/decisions?signed_to=0", "write it as YYYY-MM-DD"),
        ("/api/decisions?signed_from=1700000000", "write it as YYYY-MM-DD"),
        ("/api/decisions?signed_to=2023-12-31junk", "write it as YYYY-MM-DD"),
        ("/api/boundaries/units?date=2023-12-31T00:00:00", "write it as YYYY-MM-DD"),
        ("/api/boundaries/crosswalk?from=0&to=2025-07-01", "write it as YYYY-MM-DD"),
        ("/ogc/collections/communes/items?datetime=2023-12-31junk", "RFC 3339"),
        ("/ogc/collections/communes/items?datetime=2023-12-31T25:00:00Z", "RFC 3339"),
        ("/ogc/collections/communes/items?datetime=../2023-12-31", "is an interval"),
    ],
)
def test_date_filters_are_strict_iso_dates(client, url, says):
    """``signed_to=0`` is not 1 January 1970, and ``2023-12-31junk`` is not 31 December (issue 12)."""
    r = client.get(url)
    assert r.status_code == 422 and says in str(r.json()["detail"]), r.text[:300]


def test_a_filter_date_is_applied_as_written(client):
    all_ = client.get("/api/decisions", params={"limit": 1000}).json()
    early = client.get("/api/decisions", params={"signed_to": "2015-12-31", "limit": 1000}).json()
    assert 0 < len(early["items"]) < len(all_["items"])
    assert all(d["signed"] <= "2015-12-31" for d in early["items"])


def test_ogc_datetime_takes_an_rfc3339_instant(client):
    day = client.get("/ogc/collections/districts/items", params={"datetime": "2023-12-31", "limit": 50}).json()
    instant = client.get(
        "/ogc/collections/districts/items", params={"datetime": "2023-12-31T12:00:00+07:00", "limit": 50}
    ).json()
    assert day["numberMatched"] == instant["numberMatched"] == 18


POISON = [
    "/ogc/collections/communes/items?limit=7&offset=7",
    "/ogc/collections/districts/items?limit=5&datetime=2023-12-31",
    "/api/layers/districts.geojson?year=2023&zoom=8",
    "/api/summary?year=2023",
    "/api/status?year=2023&level=district",
]


@pytest.mark.parametrize("url", POISON)
def test_a_host_header_never_reaches_a_cached_answer(tmp_path, url):
    """Issue 12's reproduction: a request with ``Host: evil.example`` (and an extra parameter) first,
    then a clean request for the same answer: no link of the clean answer names evil.example."""
    with TestClient(create_app(Settings(store=tmp_path / "s.sqlite"))) as c:
        c.get(url + "&x=1", headers={"host": "evil.example"})
        clean = c.get(url)
        assert clean.status_code == 200 and b"evil.example" not in clean.content
        if url.startswith("/ogc"):
            assert all(link["href"].startswith("http://testserver/") for link in clean.json()["links"])


def test_links_use_the_public_url_whatever_the_host(tmp_path):
    public = "https://ntm.bacninh.example/gis"
    settings = Settings(store=tmp_path / "s.sqlite", public_url=public)
    with TestClient(create_app(settings)) as c:
        evil = {"host": "evil.example"}
        page = c.get("/ogc/collections/communes/items?limit=7&offset=7", headers=evil).json()
        assert {link["rel"] for link in page["links"]} == {"self", "next", "prev"}
        assert all(link["href"].startswith(f"{public}/ogc/collections/communes/items?") for link in page["links"])
        answers = [
            c.get("/ogc", headers=evil).text,
            c.get("/ogc/collections", headers=evil).text,
            c.get("/ogc/collections/communes/items/07222?datetime=2023-12-31", headers=evil).text,
            c.get("/api/layers", headers=evil).text,
            c.get("/api/tiles/communes/tilejson.json", headers=evil).text,
            c.get("/share", headers=evil).text,
            c.get("/embed/status", headers=evil).text,
        ]
        for body in answers:
            assert "evil.example" not in body and public in body
        oembed = c.get("/oembed", params={"url": f"{public}/maps/status?year=2023"}, headers=evil)
        assert oembed.status_code == 200 and f'src="{public}/embed/status?' in oembed.json()["html"]


@pytest.mark.parametrize(
    "url",
    ["/api/layers/rivers.geojson", "/api/layers/rivers.csv", "/api/tiles/rivers/1/1/1.mvt",
     "/api/tiles/rivers/tilejson.json", "/ogc/collections/rivers", "/ogc/collections/rivers/items"],
)  # fmt: skip
def test_an_unknown_layer_is_a_404_listing_the_layers_on_every_route(client, url):
    r = client.get(url)
    assert r.status_code == 404 and "unknown layer 'rivers'" in r.text and "communes" in r.text


@pytest.mark.parametrize(
    ("header", "lang"),
    [
        ("en", "en"),
        ("vi-VN,vi;q=0.9,en;q=0.8", "vi"),
        ("en;q=0.5, vi;q=0.9", "vi"),
        ("vi;q=0.2, en-GB;q=0.8", "en"),
        ("fr, en;q=0.3", "en"),
        ("vi;q=0, en;q=0.1", "en"),
        ("fr-FR", "vi"),
        ("en;q=bad, vi", "vi"),
    ],
)
def test_accept_language_is_read_by_its_q_values(client, header, lang):
    page = client.get("/maps/status", params={"year": 2023}, headers={"accept-language": header})
    assert f'<html lang="{lang}">' in page.text


def test_lang_in_the_url_wins_over_the_header(client):
    page = client.get("/maps/status", params={"year": 2023, "lang": "en"}, headers={"accept-language": "vi"})
    assert '<html lang="en">' in page.text
