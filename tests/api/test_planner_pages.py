"""Planners' pages without a browser: they render in vi and en, follow the API, escape names, fail plainly."""

from __future__ import annotations

import re
from html import unescape

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from api.settings import Settings
from geo_ntm.render.offline import external_urls
from tests.hostile import region_with_names

HOSTILE = '<script>window.pwned=1</script><img src=x onerror="window.pwned=2">'
DAY = "2023-12-31"


@pytest.fixture(scope="module")
def hostile_client(tmp_path_factory):
    """The app on a region file where a difficult commune (07552) and its district (219) have hostile names."""
    tmp = tmp_path_factory.mktemp("hostile-planner")
    region = region_with_names(tmp, {"07552": HOSTILE, "219": HOSTILE})
    with TestClient(create_app(Settings(region=region, store=tmp / "s.sqlite"))) as c:
        yield c


def _codes(html: str) -> list[str]:
    return re.findall(r'<tr data-code="(\d{5})">', html)


def _api(client, **params) -> dict:
    return client.get("/api/planning/difficult-communes", params=params).json()


def test_map_page_lists_what_the_api_lists_in_both_languages(client):
    vi = client.get("/planning/map", params={"date": DAY}, headers={"accept-language": "vi"})
    assert vi.status_code == 200 and '<html lang="vi">' in vi.text
    assert "Xã đặc biệt khó khăn: tiến độ nông thôn mới" in vi.text and "Tải bảng xếp hạng" in vi.text
    assert _codes(vi.text) == [r["code"] for r in _api(client, date=DAY)["rows"]] and len(_codes(vi.text)) == 16
    assert "Có dữ liệu minh họa" in vi.text  # the API's note on illustrative data is the banner
    assert external_urls(vi.text) == []
    assert "FeatureCollection" not in vi.text and '"coordinates"' not in vi.text  # geometry is fetched, never inlined
    assert "/static/vendor/leaflet/1.9.3/leaflet.js" in vi.text and "/static/js/planning-map.js" in vi.text
    en = client.get("/planning/map", params={"date": DAY, "lang": "en"}).text
    assert '<html lang="en">' in en and "Especially difficult communes: NTM progress" in en
    assert "Download the ranking" in en and "Includes illustrative data" in en
    assert f"?date={DAY}&amp;lang=vi" in en  # switching language keeps the date


def test_map_page_defaults_to_a_day_with_a_list_and_the_old_communes(client):
    page = client.get("/planning/map").text
    day = re.search(r'id="pl-date" type="date" name="date" value="([\d-]+)"', page).group(1)
    assert day == "2025-06-30"  # the last day before the 2025 reorganisation, inside the amended list
    assert _codes(page) == [r["code"] for r in _api(client, date=day)["rows"]]


def test_filters_sort_and_downloads_follow_the_query(client):
    query = {"date": DAY, "district": "220", "below_target": "true", "sort": "gap"}
    page = client.get("/planning/map", params=query).text
    expected = _api(client, **query)["rows"]
    assert _codes(page) == [r["code"] for r in expected] and 0 < len(expected) < 16
    assert '<option value="220" selected>' in page and 'value="gap" selected' in page
    assert 'id="pl-below" type="checkbox" name="below_target" value="true" checked' in page
    href = unescape(re.search(r'id="pl-csv" href="([^"]+)"', page).group(1))
    assert "district=220" in href and "below_target=true" in href and "sort=gap" in href
    csv = client.get(href)
    assert csv.headers["content-type"].startswith("text/csv") and csv.text.count("\n") == len(expected) + 1
    missing = client.get("/planning/map", params={"date": DAY, "missing": "13", "status": "chua_dat"}).text
    assert '<option value="13" selected>' in missing and 'value="chua_dat" checked' in missing
    assert _codes(missing) == [r["code"] for r in _api(client, date=DAY, missing="13", status="chua_dat")["rows"]]


def test_commune_page_shows_history_lineage_villages_lists_and_gap(client):
    page = client.get("/planning/communes/07624", params={"date": "2025-06-30"}, headers={"accept-language": "vi"})
    text = page.text
    assert page.status_code == 200 and "<h1>Xã Hữu Sản</h1>" in text and "Huyện Sơn Động" in text
    # the gap to the 60% target, in words: what is short, what the target needs, what there is
    assert "còn thiếu 4 thôn: mục tiêu cần 7 thôn ĐBKK đạt chuẩn, hiện có 3" in text and "3/11 (27,3%)" in text
    reached = client.get("/planning/communes/07552", params={"date": "2025-06-30", "lang": "en"}).text
    assert "reached: the target needs" in reached and "0 villages" not in reached
    assert "Chưa đạt (4)" in text and '<li value="6">Cơ sở vật chất văn hóa</li>' in text  # criteria by name
    assert "612/QĐ-UBDT" in text and "698/QĐ-TTg" in text  # ĐBKK membership per list version
    assert "31/12/2021" in text and '<svg class="pl-chart"' in text  # villages over time, as a table and a chart
    assert 'href="/planning/communes/07621?lang=vi&amp;date=2025-07-01">Xã Vân Sơn</a>' in text  # what it became
    assert external_urls(text) == [] and "FeatureCollection" not in text
    en = client.get("/planning/communes/07624", params={"year": 2023, "lang": "en"}).text
    assert "Figures as of 2023-12-31" in en and "Villages over time" in en and "Decisions" in en


def test_new_commune_page_shows_the_old_communes_it_holds(client):
    text = client.get("/planning/communes/07615", params={"lang": "en"}).text
    assert "The old communes it was made from (on 2025-06-30)" in text
    for old in ("Xã An Bá", "Xã Vĩnh An", "Thị trấn An Châu"):
        assert old in text
    assert 'href="/planning/communes/07660?lang=en&amp;date=2025-06-30"' in text  # links to the old unit's page


def test_decision_history_carries_source_labels(client):
    text = client.get("/planning/communes/07648", params={"date": "2025-06-30"}).text
    assert "MH-1986/QĐ-UBND" in text and 'class="pl-tag pl-illustrative"' in text


def test_a_district_code_leads_to_the_map_of_its_communes(client):
    r = client.get("/planning/communes/219", params={"year": 2019}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/planning/map?district=219&date=2021-06-04&lang=vi"


def test_landing_page_links_to_the_planners_map(client):
    assert 'href="/planning/map?lang=vi"' in client.get("/", headers={"accept-language": "vi"}).text
    assert 'href="/planning/map?lang=en"' in client.get("/", params={"lang": "en"}).text


def test_unit_names_are_escaped_on_both_pages(hostile_client):
    pages = [
        hostile_client.get("/planning/map", params={"date": DAY}).text,
        hostile_client.get("/planning/communes/07552", params={"date": DAY}).text,
        hostile_client.get("/planning/communes/07564", params={"date": DAY}).text,  # its district is hostile too
    ]
    for text in pages:
        assert "<script>window.pwned" not in text and "<img src=x" not in text
        assert "&lt;script&gt;window.pwned=1&lt;/script&gt;" in text
    assert "\\u003cscript\\u003ewindow.pwned" in pages[0]  # the rows handed to the script, as JSON in a data block


@pytest.mark.parametrize(
    ("url", "status", "says"),
    [
        ("/planning/map?date=2020-01-01", 422, "no list of especially difficult communes was in force"),
        ("/planning/map?date=31-12-2023", 422, "date"),
        ("/planning/map?date=2023-12-31&district=Hanoi", 422, "is not a district"),
        ("/planning/map?date=2025-08-01&district=220", 422, "districts were abolished"),
        ("/planning/map?date=2023-12-31&status=bogus", 422, "status"),
        ("/planning/map?date=2023-12-31&missing=99", 422, "criterion 99"),
        ("/planning/map?date=2023-12-31&sort=best", 422, "sort"),
        ("/planning/map?date=2023-12-31&list=nope", 422, "'nope' is not a known version"),
        ("/planning/communes/99999", 404, "99999"),
        ("/planning/communes/0755", 422, "code"),
        ("/planning/communes/07552?date=2001-01-01", 422, "begins on 2010-09-28"),
        ("/planning/communes/07552?date=2025-06-30&year=2023", 422, "not both"),
        ("/planning/communes/07660?date=2026-01-01", 404, "did not exist on 2026-01-01"),
    ],
)
def test_bad_page_requests_get_a_plain_page(client, url, status, says):
    r = client.get(url, headers={"accept-language": "en"})
    assert r.status_code == status and r.headers["content-type"].startswith("text/html")
    assert "This page cannot be shown" in r.text and says in unescape(r.text) and "Traceback" not in r.text
