"""Leadership pages without a browser: they render, escape data, print, and fail plainly."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from rasterio.io import MemoryFile

from api.main import create_app
from api.settings import Settings
from geo_ntm.render.offline import external_urls
from geo_ntm.status.demo import DEMO
from tests.hostile import region_with_names

HOSTILE = '<script>window.pwned=1</script><img src=x onerror="window.pwned=2">'


@pytest.fixture(scope="module")
def hostile_client(tmp_path_factory):
    """The app on a region file where a district and a commune have hostile names."""
    tmp = tmp_path_factory.mktemp("hostile")
    region = region_with_names(tmp, {"216": HOSTILE, "07222": HOSTILE})
    with TestClient(create_app(Settings(region=region, store=tmp / "s.sqlite"))) as c:
        yield c


def test_status_page_is_light_and_loads_nothing_from_elsewhere(client):
    page = client.get("/maps/status", params={"year": 2023}, headers={"accept-language": "vi"})
    assert page.status_code == 200 and '<html lang="vi">' in page.text
    assert external_urls(page.text) == []
    assert "FeatureCollection" not in page.text  # geometry is fetched, never inlined
    assert len(page.content) < 20_000
    assert "/static/js/statusmap.js" in page.text and "Kết quả xây dựng nông thôn mới cấp xã" in page.text


def test_dashboard_shows_the_reported_figures_and_the_banner(client):
    page = client.get("/dashboard", params={"year": 2023}, headers={"accept-language": "vi"}).text
    for figure in ("7/10", "154/182", "58", "12", "+9 / +15 / +11", "119"):
        assert figure in page
    assert "Dữ liệu minh họa." in page and "Huyện Lục Nam" in page and "37/QĐ-TTg" in page
    assert not re.search(r"\bnan\b", page, re.IGNORECASE)  # no missing value leaks ("nang-cao" in a URL is fine)
    # The only absolute URLs are the printed sources of the figures and targets: text to read, never loaded.
    figures = "".join(
        p.read_text(encoding="utf-8") for p in DEMO.glob("*.csv") if p.name.startswith(("reported", "plan"))
    )
    cited = set(re.findall(r"https?://[^\s)\"]+", figures))
    assert cited and set(external_urls(page)) <= cited
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", page)
    english = client.get("/dashboard", params={"year": 2023, "lang": "en"}).text
    assert "communes at NTM standard" in english and 'lang="en"' in english
    [villages] = [row for row in english.split("<tr>") if "<td>119</td>" in row]  # published, not computable
    assert "not computed from the records" in villages and "✓" not in villages


def test_unit_names_are_escaped_in_every_page(hostile_client):
    dash = hostile_client.get("/dashboard", params={"year": 2023}).text
    assert "<script>window.pwned" not in dash and "&lt;script&gt;window.pwned=1&lt;/script&gt;" in dash
    geo = hostile_client.get("/api/layers/communes.geojson", params={"year": 2023}).json()
    names = [f["properties"]["name"] for f in geo["features"] if f["id"] == "07222"]
    assert names == [HOSTILE]  # stored and served as data; pages write it with textContent


def test_printable_maps(client):
    png = client.get("/maps/status.png", params={"year": 2023})
    assert png.headers["content-type"] == "image/png"
    with MemoryFile(png.content) as mem, mem.open() as ds:
        assert ds.width > 1500 and ds.height > 1000
    pdf = client.get("/maps/status.pdf", params={"year": 2024, "lang": "en", "level": "district"})
    assert pdf.content.startswith(b"%PDF") and "ntm-district-24-y2024.pdf" in pdf.headers["content-disposition"]


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("/maps/status?year=1990", "1990"),
        ("/maps/status?level=village", "commune"),
        ("/maps/status?date=2001-01-01", "begins on 2010-09-28"),
        ("/maps/status?date=31-12-2023", "date"),
        ("/dashboard?year=2023&province=99", "There was no province 99 on 31 Dec 2023"),
        ("/maps/status.png?year=2023&province=99", "There was no province 99 on 31 Dec 2023"),
    ],
)
def test_bad_page_requests_get_a_plain_page(client, url, says):
    r = client.get(url, headers={"accept-language": "en"})
    assert r.status_code == 422 and r.headers["content-type"].startswith("text/html")
    assert "This page cannot be shown" in r.text and says in r.text and "Traceback" not in r.text


@pytest.mark.parametrize(
    ("url", "lang", "says"),
    [
        ("/maps/status?year=abc", "vi", "year: cần một số nguyên, nhận được"),
        ("/maps/status?year=abc", "en", "year: a whole number is needed, got"),
        ("/maps/status?year=2099", "vi", "năm 2099 chưa đến"),
        ("/maps/status?date=2023-02-30", "vi", "không phải là ngày"),
        ("/maps/status?level=village", "vi", "không phải là lựa chọn có sẵn; chọn một trong: &#39;commune&#39;, "),
        ("/share?width=9999", "vi", "lớn hơn mức lớn nhất cho phép (2000)"),
        ("/dashboard?province=7", "vi", "mã tỉnh gồm 2 chữ số"),
        ("/dashboard?province=99", "vi", "Không có tỉnh mã 99 vào ngày"),
        ("/maps/status?province=99&year=2023", "en", "There was no province 99 on 31 Dec 2023. The provinces then: 24"),
        ("/maps/status.pdf?province=99", "vi", "Không có tỉnh mã 99"),
        ("/planning/reviews?date=abc", "vi", "không phải là ngày"),
        ("/planning/reviews?state=xyz", "vi", "state: &#39;xyz&#39; không phải là lựa chọn có sẵn"),
        ("/planning/reviews?group=9", "en", "group: &#39;9&#39; is above the largest allowed (3)"),
    ],
)
def test_page_errors_speak_the_pages_language(client, url, lang, says):
    r = client.get(url, headers={"accept-language": lang})
    assert r.status_code == 422 and r.headers["content-type"].startswith("text/html")
    assert says in r.text and "Input should be" not in r.text


def test_page_errors_repeat_only_the_start_of_a_long_value(client):
    for params in ({"date": "x" * 5000}, {"district": "9" * 5000}, {"level": "y" * 5000}):
        r = client.get("/maps/status", params=params)
        assert r.status_code == 422 and len(r.text) < 5000, params
        assert next(iter(params.values()))[:30] in r.text


def test_an_unknown_district_is_a_404_that_lists_the_districts(client):
    r = client.get("/maps/status", params={"district": "999", "year": 2023, "lang": "en"})
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
    assert "There was no district 999 on 31 Dec 2023" in r.text
    assert "219 Huyện Lục Ngạn" in r.text and "213 Thành phố Bắc Giang" in r.text
    # today there are no districts at all: the page says why instead of listing none
    r = client.get("/maps/status", params={"district": "999", "lang": "vi"})
    assert r.status_code == 404 and "Không còn cấp huyện từ ngày 01/07/2025" in r.text
    # a district that existed opens on its last day
    r = client.get("/maps/status", params={"district": "219", "lang": "vi"})
    assert r.status_code == 200 and "30/06/2025" in r.text


def test_unknown_paths_answer_a_page_to_browsers_and_json_to_programs(client):
    browser = {"accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "accept-language": "vi"}
    r = client.get("/khong-co-trang-nay", headers=browser)
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
    assert "Dịch vụ không có trang" in r.text and 'href="/?lang=vi"' in r.text
    assert 'href="/dashboard?lang=vi"' in r.text and 'href="/maps/status?lang=vi"' in r.text
    assert client.get("/" + "a" * 3000, headers=browser).text.count("a" * 60) == 0
    for accept in ("application/json", "*/*", "application/json, text/html"):
        r = client.get("/khong-co-trang-nay", headers={"accept": accept})
        assert r.status_code == 404 and r.json() == {"detail": "Not Found"}, accept


def test_the_dashboard_of_a_year_writes_dates_and_sources_in_vietnamese(client):
    text = client.get("/dashboard", params={"year": 2023, "lang": "vi"}).text
    assert "<td>31/12/2024</td>" in text and "<td>2024-12-31</td>" not in text  # deadlines
    assert " via " not in text  # a citation names the newspaper and its site, in no English words


def test_the_layer_csv_writes_yes_and_no_as_1_and_0(client):
    import csv
    import io

    body = client.get("/api/layers/dbkk.csv", params={"date": "2024-06-01"}).content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    column = next(k for k in rows[0] if "ĐBKK" in k and "Thôn" not in k and "Danh sách" not in k)
    assert rows and {r[column] for r in rows} <= {"1", "0"} and "True" not in body and "False" not in body


def _blank_band(png: bytes) -> float:
    """The tallest run of blank rows in a print, as a share of the page's height."""
    import io

    import numpy as np
    from PIL import Image

    ink = (np.asarray(Image.open(io.BytesIO(png)).convert("L")) < 245).any(axis=1)
    run = tallest = 0
    for row in ink:
        run = 0 if row else run + 1
        tallest = max(tallest, run)
    return tallest / len(ink)


@pytest.mark.parametrize("query", [{}, {"year": 2023}, {"level": "district", "year": 2020, "lang": "en"}])
def test_prints_fill_the_page_and_date_it_the_readers_way(client, query):
    import io
    import re

    from pypdf import PdfReader

    png = client.get("/maps/status.png", params={"lang": "vi", **query})
    assert png.status_code == 200 and _blank_band(png.content) < 0.2  # no blank bottom third
    pdf = client.get("/maps/status.pdf", params={"lang": "vi", **query})
    words = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert "Nguồn: Nguồn" not in words and "Sources: Sources" not in words
    assert not re.search(r"\d{4}-\d{2}-\d{2}", words)  # no ISO date printed
    if query.get("lang") == "en":
        assert re.search(r"\b31 Dec 2020\b", words)
    else:
        assert re.search(r"(Tính đến|tính đến) \d{2}/\d{2}/\d{4}", words)
