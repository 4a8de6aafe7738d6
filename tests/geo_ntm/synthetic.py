"""A tiny made-up province (code 99) written as a full set of boundary sources.

Four square communes in one district. On 2020-01-01 Xã Bê (90002) merges into Xã An (90001)
and Thị trấn Cờ (90003) is renamed; on 2025-07-01 the new province 98 gets two communes.
Tests mutate one file at a time to check each bad input gives a clear error.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

SQUARES = {  # source id -> (name, lower-left corner)
    "9900101": ("Xã An", (105.00, 21.00)),
    "9900102": ("Xã Bê", (105.01, 21.00)),
    "9900103": ("Thị trấn Cờ", (105.00, 21.01)),
    "9900104": ("Xã Dê", (105.01, 21.01)),
}


def write_sources(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    manifest = {
        "code_changes": "changes.csv",
        "units_before_reform": "before.csv",
        "units_after_reform": "after.csv",
        "reform_mapping": "mapping.json.gz",
        "reform_date": "2025-07-01",
        "polygons": {
            "file": "polygons.gpkg",
            "vintage_date": "2013-03-06",
            "province_field": "province_vn",
            "district_field": "district_vn",
            "name_field": "commune_vn",
            "id_field": "commune_id",
        },
        "supplement_events": "supplement_events.csv",
        "legal_acts": "legal_acts.csv",
        "gap_width_m": 200,
    }
    (root / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    header = "snapshot_date,source_repo,commit,change,code,name,province_code,province,district_code,district,note\n"
    rows = [
        "2010-05-01,x,x,renamed_or_moved,90004,Xã Đê -> Xã Dê,99 -> 99,Tỉnh Thử -> Tỉnh Thử,901 -> 901,Huyện Một -> Huyện Một,1/NQ-CP: đổi tên xã Đê tỉnh Thử",
        "2020-01-01,x,x,removed,90002,Xã Bê,99,Tỉnh Thử,901,Huyện Một,2/NQ-UBTVQH14: sắp xếp xã tỉnh Thử",
        "2020-01-01,x,x,renamed_or_moved,90003,Thị trấn Cờ -> Thị trấn Cờ Mới,99 -> 99,Tỉnh Thử -> Tỉnh Thử,901 -> 901,Huyện Một -> Huyện Một,2/NQ-UBTVQH14: sắp xếp xã tỉnh Thử",
    ]
    (root / "changes.csv").write_text(header + "\n".join(rows) + "\n", encoding="utf-8")
    before = pd.DataFrame(
        [
            ["99", "Tỉnh Thử", "901", "Huyện Một", "Huyện", "90001", "Xã An", "Xã", "An", '["xabe", "be"]'],
            ["99", "Tỉnh Thử", "901", "Huyện Một", "Huyện", "90003", "Thị trấn Cờ Mới", "Thị trấn", "Cờ Mới", ""],
            ["99", "Tỉnh Thử", "901", "Huyện Một", "Huyện", "90004", "Xã Dê", "Xã", "Dê", ""],
        ],
        columns=[
            "province_code",
            "province",
            "district_code",
            "district",
            "district_type",
            "code",
            "name",
            "type",
            "short_name",
            "alias_keys",
        ],
    )
    before.to_csv(root / "before.csv", index=False)
    after = pd.DataFrame(
        [
            ["98", "Tỉnh Mới", "90001", "Xã An Cờ", "Xã", "An Cờ", "3.5", ""],
            ["98", "Tỉnh Mới", "90004", "Phường Dê", "Phường", "Dê", "1.2", ""],
        ],
        columns=["province_code", "province", "code", "name", "type", "short_name", "area_km2", "alias_keys"],
    )
    after.to_csv(root / "after.csv", index=False)
    mapping = {
        "data": [
            {
                "level1_id": "98",
                "name": "Tỉnh Mới",
                "merges": [{"old_id": "99", "name": "Tỉnh Thử", "type": "full"}],
                "level2s": [
                    {
                        "level2_id": "90001",
                        "name": "Xã An Cờ",
                        "merges": [
                            {"old_id": "90001", "name": "Xã An", "type": "full"},
                            {"old_id": "90003", "name": "Thị trấn Cờ Mới", "type": "full"},
                        ],
                    },
                    {
                        "level2_id": "90004",
                        "name": "Phường Dê",
                        "merges": [{"old_id": "90004", "name": "Xã Dê", "type": "full"}],
                    },
                ],
            }
        ]
    }
    with gzip.open(root / "mapping.json.gz", "wt", encoding="utf-8") as fh:
        json.dump(mapping, fh, ensure_ascii=False)
    write_polygons(root / "polygons.gpkg")
    (root / "supplement_events.csv").write_text(
        "date,province_code,level,kind,predecessors,successors,area_km2,legal_act,note,source\n", encoding="utf-8"
    )
    (root / "legal_acts.csv").write_text(
        "date,province_code,level,legal_act,text,source\n2025-07-01,98,province,3/2025/QH15,merge,test\n",
        encoding="utf-8",
    )
    return root


#: A non-administrative area east of Xã Bê and Xã Dê, in no commune (like Bắc Giang's Cấm Sơn).
TRAINING_AREA = {"9900199": ("Khu huấn luyện Thử", (105.02, 21.00))}


def add_training_area(root: Path, rows: list[str]) -> None:
    """Add the training area to the polygons and ``rows`` to a ``non_admin_areas.csv``."""
    write_polygons(root / "polygons.gpkg", extra=TRAINING_AREA)
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    manifest["non_admin_areas"] = "non_admin_areas.csv"
    (root / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    header = "province_code,source_id,district_2013,name_2013,date,level,code,legal_act,source,note\n"
    (root / "non_admin_areas.csv").write_text(header + "".join(r + "\n" for r in rows), encoding="utf-8")


def write_polygons(path: Path, broken: str | None = None, extra: dict | None = None) -> None:
    geoms, rows = [], []
    for sid, (name, (x, y)) in {**SQUARES, **(extra or {})}.items():
        geom = shapely.box(x, y, x + 0.01, y + 0.01)
        if sid == broken:
            geom = shapely.Polygon([(x, y), (x + 0.01, y + 0.01), (x + 0.01, y), (x, y + 0.01)])  # bow-tie
        geoms.append(geom)
        rows.append({"commune_id": float(sid), "province_vn": "Thử", "district_vn": "Huyện Một", "commune_vn": name})
    gpd.GeoDataFrame(rows, geometry=geoms, crs="EPSG:4326").to_file(path, layer="communes")
