"""By province where main's ``province=`` does not reach: OGC items (``province_code=``), the map's detail."""

from __future__ import annotations

import re

from api.routers.pages import fit_zoom


def test_ogc_items_filter_on_the_province_code(client):
    page = client.get(
        "/ogc/collections/communes/items", params={"datetime": "2024-06-01", "province_code": "27", "limit": 500}
    ).json()
    assert page["numberMatched"] == len(page["features"]) > 0
    assert {f["properties"]["province_code"] for f in page["features"]} == {"27"}
    assert all("province_code=27" in link["href"] for link in page["links"])
    both = client.get("/ogc/collections/communes/items", params={"datetime": "2024-06-01", "limit": 1}).json()
    assert both["numberMatched"] > page["numberMatched"]


def test_ogc_items_refuse_a_malformed_province_code(client):
    r = client.get("/ogc/collections/communes/items", params={"province_code": "2"})
    assert r.status_code == 422 and "province_code" in r.text


def test_a_map_loads_its_layer_at_the_detail_its_extent_needs():
    assert fit_zoom((105.9, 20.9, 107.1, 21.7)) == 10  # a province
    assert fit_zoom((102.1, 8.4, 109.5, 23.4)) == 6  # the whole country
    assert fit_zoom((0, 0, 0, 0)) == 10  # a point: never beyond a province's detail


def test_the_status_map_of_one_province_asks_for_that_detail(client):
    page = client.get("/maps/status", params={"date": "2024-06-01", "province": "27"}).text
    zoom = int(re.search(r'"zoom": (\d+), "district"', page).group(1))  # the layer's, not folium's zoom_start
    assert zoom == 10 and '"province": "27"' in page
