"""Public portal: embed pages, frame policy, share page, oEmbed, languages."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from api.settings import Settings
from geo_ntm.render.offline import external_urls


@pytest.fixture(scope="module")
def portal_client(tmp_path_factory):
    store = tmp_path_factory.mktemp("portal") / "s.sqlite"
    with TestClient(create_app(Settings(store=store, frame_ancestors=["https://portal.example.gov.vn"]))) as c:
        yield c


@pytest.mark.parametrize(
    "url",
    [
        "/embed/status?year=2023",
        "/embed/dbkk?date=2024-12-31&lang=en",
        "/embed/district/219?year=2023&legend=0",
        "/embed/status?layer=districts&date=2024-06-01&controls=1&table=0",
    ],
)
def test_embed_pages_render_light_and_may_be_framed_by_the_portal_only(portal_client, url):
    r = portal_client.get(url)
    assert r.status_code == 200 and len(r.content) < 20_000
    policy = directives(r.headers["content-security-policy"])
    assert policy["frame-ancestors"] == "'self' https://portal.example.gov.vn" and policy["default-src"] == "'self'"
    assert "x-frame-options" not in r.headers
    assert external_urls(r.text, allowed_hosts=["testserver"]) == []
    assert 'type="application/json+oembed"' in r.text and "<title>" in r.text


def test_other_pages_may_only_be_framed_by_this_site(portal_client):
    r = portal_client.get("/maps/status", params={"year": 2023})
    assert directives(r.headers["content-security-policy"])["frame-ancestors"] == "'self'"
    assert r.headers["x-frame-options"] == "SAMEORIGIN"
    assert "content-security-policy" not in portal_client.get("/api/layers").headers


def test_by_default_nobody_else_may_frame_the_embeds(client):
    policy = client.get("/embed/status?year=2023").headers["content-security-policy"]
    assert directives(policy)["frame-ancestors"] == "'self'"


def directives(policy: str) -> dict[str, str]:
    """A Content-Security-Policy header as {directive: sources}."""
    return dict((part.strip().split(" ", 1) + [""])[:2] for part in policy.split(";") if part.strip())


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("/embed/status?layer=rivers", "allowed communes, districts, dbkk"),
        ("/embed/status?year=1999", "1999"),
        ("/embed/status?date=2023-13-01", "YYYY-MM-DD"),
        ("/embed/status?legend=maybe", "write 1 or 0"),
        ("/embed/district/999?year=2023", "There was no district 999 on 31 Dec 2023. The districts then: 213"),
        ("/embed/status?bbox=1,2", "four numbers"),
        ("/embed/status?lang=fr", "allowed vi, en"),
    ],
)
def test_bad_embed_urls_show_a_readable_message_in_the_frame(portal_client, url, says):
    r = portal_client.get(url, headers={"accept-language": "en"})
    assert 400 <= r.status_code < 500 and r.headers["content-type"].startswith("text/html")
    assert "This page cannot be shown" in r.text
    assert says.replace("'", "&#39;") in r.text or says in r.text


def test_embeds_ignore_what_they_do_not_read(portal_client):
    """A portal passes links on with tracking parameters: the map shows; a misspelt option is named."""
    r = portal_client.get("/embed/status?year=2023&fbclid=x&utm_source=y&utm_medium=z&gclid=w")
    assert r.status_code == 200 and "fbclid" not in r.text and "utm_" not in r.text
    r = portal_client.get("/embed/status?year=2023&lgend=0&utm_source=y", headers={"accept-language": "en"})
    assert r.status_code == 200 and "Parameters this map does not read: lgend." in r.text and "utm_" not in r.text
    # the API stays strict: a bad value is a JSON 422 for programs
    r = portal_client.get("/api/layers/communes.geojson?year=abc&utm_source=y")
    assert r.status_code == 422 and r.json()["detail"]


def test_oembed_answers_for_our_maps_and_404_otherwise(portal_client):
    body = portal_client.get(
        "/oembed", params={"url": "http://testserver/maps/status?year=2023&lang=en", "maxwidth": 640}
    ).json()
    assert body["type"] == "rich" and body["version"] == "1.0" and body["width"] == 640
    assert 'src="http://testserver/embed/status?year=2023&amp;lang=en&amp;layer=communes"' in body["html"]
    assert 'title="New Rural Development status of communes"' in body["html"]
    for url in ("http://elsewhere.example/maps/status", "http://testserver/api/layers", "not a url"):
        assert portal_client.get("/oembed", params={"url": url}).status_code == 404
    assert (
        portal_client.get("/oembed", params={"url": "http://testserver/embed/dbkk", "format": "xml"}).status_code == 501
    )


def test_share_page_gives_snippet_and_data_urls(portal_client):
    page = portal_client.get("/share", params={"layer": "dbkk", "year": 2024, "lang": "en", "width": 640}).text
    assert "&lt;iframe src=&#34;http://testserver/embed/status?layer=dbkk&amp;year=2024" in page
    for piece in (
        "/api/tiles/dbkk/{z}/{x}/{y}.mvt?year=2024&amp;v=",
        "/api/tiles/dbkk/{z}/{x}/{y}.png",
        "/api/tiles/dbkk/tilejson.json",
        "/ogc/collections/dbkk/items?datetime=2024-12-31",
        "/api/layers/dbkk.geojson?year=2024",
        "Share and embed this map",
    ):
        assert piece in page
    assert external_urls(page, allowed_hosts=["testserver"]) == []


def test_language_from_url_or_header(portal_client):
    assert 'lang="en"' in portal_client.get("/embed/status", headers={"accept-language": "en-US,en;q=0.8"}).text
    assert 'lang="vi"' in portal_client.get("/embed/status", headers={"accept-language": "fr"}).text
    assert 'lang="vi"' in portal_client.get("/embed/status?lang=vi", headers={"accept-language": "en"}).text
