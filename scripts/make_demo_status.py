"""Write the embedded status dataset for Bắc Giang: real facts plus illustrative detail.

    .venv/bin/python scripts/make_demo_status.py     # rewrites geo_ntm/data/demo/*.csv

Official (each citing the public page it was read on, see geo_ntm/data/public_record/): five
district-level recognitions (Việt Yên, Lạng Giang, Tân Yên, Hiệp Hòa, Lục Nam), the end-2023
commune counts, the 60% target for the villages of especially difficult communes, the figures of
letter 687/UBND-NN (2024). Yên Dũng and TP Bắc Giang were recognised before 10/01/2022, but their
decisions are not public: their dated records are illustrative, and say so.
Illustrative (labelled so, row by row): each commune's decisions, assessments, difficulty
flags and village counts. They are drawn at random (fixed seed) but kept consistent with the
published totals and the rules: end of 2023, 154 of 182 communes NTM, 58 advanced, 12 model;
in 2023, 9 new NTM, 15 advanced, 11 model; a district's communes are NTM by its recognition
year; the communes not yet NTM lie in Yên Thế, Lục Ngạn and Sơn Động; a commune in the
especially difficult list is not NTM while listed; advanced follows NTM, model follows advanced.
Old Bắc Ninh's public record and the present period (2026-2030: commune groups, assessments,
reviews of merged communes) come from ``demo_present.py`` (see its docstring).
"""

from __future__ import annotations

import csv
import random
from datetime import date, timedelta
from pathlib import Path

import demo_present

from geo_ntm.boundaries.atlas import Atlas
from geo_ntm.paths import DEFAULT_REGION
from geo_ntm.status.derive import StatusBook

OUT = Path(__file__).resolve().parent.parent / "geo_ntm" / "data" / "demo"
SEED = 687
ILL = "illustrative"
ILL_NOTE = "Minh họa / illustrative: not an official record"
SEED_LETTER = "Công văn 687/UBND-NN ngày 06/01/2024 của UBND tỉnh Bắc Giang"
# Public pages each official fact is read on (geo_ntm/data/public_record/ holds the excerpts).
PLPLUS_2018 = (
    "Pháp luật Plus (Báo Pháp luật Việt Nam), 08/11/2018, https://phapluatplus.baophapluat.vn/"
    "huyen-viet-yen-tro-thanh-huyen-nong-thon-moi-dau-tien-cua-tinh-bac-giang-126532.html"
)
DANTRI_2019 = (
    "Báo Dân trí, 27/12/2019, https://dantri.com.vn/xa-hoi/"
    "pho-thu-tuong-ky-quyet-dinh-cong-nhan-them-mot-huyen-nong-thon-moi-tai-bac-giang-20191227123736670.htm"
)
BVRMT_2020 = (
    "Tạp chí Bảo vệ rừng và Môi trường, https://baovemoitruong.org.vn/"
    "tan-yen-bac-giang-dat-chuan-nong-thon-moi-nam-2020/"
)
TTTD_2022 = (
    "Báo Tuổi trẻ Thủ đô, https://phapluat.tuoitrethudo.com.vn/"
    "bac-giang-hiep-hoa-duoc-cong-nhan-huyen-dat-chuan-nong-thon-moi-63410.html"
)
VNEWS_2024 = (
    "VNews (TTXVN), 29/01/2024, https://vnews.gov.vn/video/"
    "huyen-mien-nui-dau-tien-cua-bac-giang-dat-chuan-nong-thon-moi-109449.htm"
)
XAYDUNG_2023 = (
    "Báo Xây dựng via xaydungtoday.vn, https://xaydungtoday.vn/"
    "bac-giang-them-4-xa-dat-chuan-nong-thon-moi-nang-cao-va-kieu-mau/"
)

# District-level recognitions (official facts). signed_precision "year": only the year is known.
DISTRICTS = [
    # code, name, level, year_label, decision_no, signed, precision, source, citation
    (
        "222",
        "Huyện Việt Yên",
        "dat_chuan",
        2018,
        None,
        date(2018, 11, 8),
        "day",
        "official",
        "Phó Thủ tướng Vương Đình Huệ ký công nhận huyện Việt Yên đạt chuẩn NTM năm 2018, sáng 8/11/2018 ("
        + PLPLUS_2018
        + "); decision number not published there",
    ),
    (
        "217",
        "Huyện Lạng Giang",
        "dat_chuan",
        2019,
        "1892/QĐ-TTg",
        date(2019, 12, 25),
        "day",
        "official",
        "QĐ 1892/QĐ-TTg ngày 25/12/2019 công nhận huyện Lạng Giang đạt chuẩn NTM năm 2019 (" + DANTRI_2019 + ")",
    ),
    (
        "216",
        "Huyện Tân Yên",
        "dat_chuan",
        2020,
        "904/QĐ-TTg",
        date(2020, 12, 31),
        "year",
        "official",
        "QĐ 904/QĐ-TTg công nhận huyện Tân Yên đạt chuẩn NTM năm 2020 (" + BVRMT_2020 + "); signing date not published",
    ),
    (
        "221",
        "Huyện Yên Dũng",
        "dat_chuan",
        2020,
        None,
        date(2020, 12, 31),
        "year",
        ILL,
        "Official fact: Yên Dũng was recognised as an NTM district before 10/01/2022, the 4th of the province ("
        + TTTD_2022
        + "). Its decision number, date and year label were not found: the year 2020 is illustrative.",
    ),
    (
        "223",
        "Huyện Hiệp Hòa",
        "dat_chuan",
        2020,
        "39/QĐ-TTg",
        date(2022, 1, 10),
        "day",
        "official",
        "Ngày 10/1/2022, QĐ 39/QĐ-TTg công nhận huyện Hiệp Hòa đạt chuẩn NTM năm 2020 (" + TTTD_2022 + ")",
    ),
    (
        "213",
        "Thành phố Bắc Giang",
        "hoan_thanh",
        2019,
        None,
        date(2019, 12, 31),
        "year",
        ILL,
        "Official fact: TP Bắc Giang had completed the NTM mission before 10/01/2022 ("
        + TTTD_2022
        + "). Its decision and year were not found: the year 2019 is illustrative.",
    ),
    (
        "218",
        "Huyện Lục Nam",
        "dat_chuan",
        2023,
        "37/QĐ-TTg",
        date(2024, 1, 11),
        "day",
        "official",
        "QĐ 37/QĐ-TTg ngày 11/01/2024 công nhận huyện Lục Nam đạt chuẩn NTM năm 2023 ("
        + VNEWS_2024
        + "; "
        + SEED_LETTER
        + ")",
    ),
]
NOT_YET = {"215": 5, "219": 15, "220": 8}  # communes not NTM at the end of 2023: 28
NEW_2023_NTM = {"218": 4, "215": 2, "219": 2, "220": 1}  # 9
CRITERIA = "xa-ntm-2021-2025"
ADV = "xa-nang-cao-2021-2025"


def main() -> None:
    rng = random.Random(SEED)
    atlas = Atlas.load(DEFAULT_REGION)
    xa = atlas.units_on("2023-12-31")
    xa = xa[(xa["province_code"] == "24") & (xa["type"] == "Xã")].sort_values("code")
    by_district = {d: list(g.itertuples()) for d, g in xa.groupby("parent_code")}
    # The year by which a district's communes are all NTM: its label, except Hiệp Hòa, whose
    # decision says "năm 2020" but whose last two communes were recognised on 06/11/2021
    # "năm 2021" (hiephoanet.vn/hai-xa-chau-minh-mai-dinh-duoc-cong-nhan-dat-chuan-nong-thon-moi/).
    district_year = {d[0]: d[3] for d in DISTRICTS} | {"223": 2021}
    district_signed = {d[0]: d[5] for d in DISTRICTS}
    decisions, assessments = [], []

    # 1. NTM year of every commune existing at the end of 2023, and of every commune a district
    #    had when it was recognised (a district is NTM only when all its communes are).
    book = StatusBook(atlas, [], [])
    chain_start = {c.code: atlas.units.loc[book.root[c.uid], "valid_from"].year for c in xa.itertuples()}
    ntm_year: dict[str, int] = {}
    for d, communes in by_district.items():
        rng.shuffle(communes)
        if d in district_year:
            late = NEW_2023_NTM.get(d, 0)
            top = district_year[d] if district_year[d] < 2023 else 2022
            for i, c in enumerate(communes):
                low = max(2012, district_year[d] - 6, chain_start[c.code])
                ntm_year[c.code] = 2023 if i < late else rng.randint(low, max(low, top))
        else:
            new = NEW_2023_NTM.get(d, 0)
            for i, c in enumerate(communes[NOT_YET[d] :]):
                low = max(2013, chain_start[c.code])
                ntm_year[c.code] = 2023 if i < new else rng.randint(low, 2022)
    extra = []  # communes gone or turned urban by 2023 that a recognised district had
    for code, _, _, _, _, signed, _, _, _ in DISTRICTS:
        then = atlas.units_on(signed)
        then = then[(then["parent_code"] == code) & (then["type"] == "Xã") & ~then["code"].isin(list(ntm_year))]
        for c in then.itertuples():
            ntm_year[c.code] = rng.randint(max(2012, district_year[code] - 5), district_year[code])
            extra.append(c)
    advanced = _pick(
        rng,
        {c: y for c, y in ntm_year.items() if c in set(xa["code"])},
        58,
        lambda y: y <= 2021,
        prefer=("222", "217", "216", "223", "221", "213"),
        xa=xa,
    )
    adv_year = {}
    adv_new_2023 = set(rng.sample(sorted(advanced), 15))
    for code in sorted(advanced):
        adv_year[code] = 2023 if code in adv_new_2023 else rng.randint(max(ntm_year[code] + 1, 2019), 2022)
    model = _pick(rng, {c: adv_year[c] for c in advanced}, 12, lambda y: y <= 2021, prefer=("222", "217"), xa=xa)
    model_year = {c: 2023 for c in model}
    model_year[min(model, key=lambda c: (adv_year[c], c))] = 2022
    # 2024 (illustrative continuation): 6 new NTM among the 28, 10 advanced, 6 model.
    pending = sorted(c.code for d in NOT_YET for c in by_district[d] if c.code not in ntm_year)
    for code in rng.sample(pending, 6):
        ntm_year[code] = 2024
    current = set(xa["code"])
    for code in rng.sample(
        sorted(c for c in ntm_year if ntm_year[c] <= 2022 and c not in advanced and c in current), 10
    ):
        adv_year[code] = 2024
    for code in rng.sample(sorted(c for c in adv_year if adv_year[c] <= 2023 and c not in model), 6):
        model_year[code] = 2024

    every = [*xa.itertuples(), *extra]
    names = {c.code: c.name for c in every}
    districts = {c.code: c.parent_code for c in every}
    for code in sorted(ntm_year):
        for level, years, cset in (
            ("dat_chuan", ntm_year, CRITERIA),
            ("nang_cao", adv_year, ADV),
            ("kieu_mau", model_year, ADV),
        ):
            if code in years:
                record = _commune_decision(rng, code, names[code], districts[code], level, years[code], cset)
                recognised = district_signed.get(districts[code])
                if level == "dat_chuan" and recognised and record["signed"] >= recognised.isoformat():
                    record["signed"] = (recognised - timedelta(days=7)).isoformat()  # communes first
                decisions.append(record)

    # 2. Assessments for communes not NTM (criteria met so far, 2024-12-31).
    for code in pending:
        if ntm_year.get(code) == 2024:
            continue
        met = sorted(rng.sample(range(1, 20), rng.randint(11, 18)))
        assessments.append(
            {
                "unit_level": "commune",
                "unit_code": code,
                "unit_name": names[code],
                "district_code": districts[code],
                "as_of": "2024-12-31",
                "criteria_set": CRITERIA,
                "criteria_met": ";".join(map(str, met)),
                "source": ILL,
                "citation": ILL_NOTE,
            }
        )

    # 3. Communes merged on 2025-01-01 that were recognised again before the reform (thừa nhận).
    merged = atlas.events[
        (atlas.events["date"] == "2025-01-01")
        & (atlas.events["kind"] == "merge")
        & (atlas.events["level"] == "commune")
    ]
    for r in merged.itertuples():
        succ = atlas.unit(r.successors)
        preds = [atlas.unit(p)["code"] for p in r.predecessors.split(";")]
        if succ["type"] == "Xã" and all(p in ntm_year and ntm_year[p] <= 2024 for p in preds) and rng.random() < 0.5:
            decisions.append(
                _commune_decision(
                    rng,
                    succ["code"],
                    succ["name"],
                    succ["parent_code"],
                    "dat_chuan",
                    2025,
                    CRITERIA,
                    signed=date(2025, rng.randint(3, 6), rng.randint(1, 28)),
                    note="Công nhận lại sau sắp xếp (minh họa) / re-recognised after the merger",
                )
            )

    # 4. Districts (official facts and one illustrative year).
    for code, name, level, year, no, signed, precision, source, citation in DISTRICTS:
        decisions.append(
            {
                "unit_level": "district",
                "unit_code": code,
                "unit_name": name,
                "district_code": code,
                "level": level,
                "field": "",
                "decision_no": no or "",
                "signed": signed.isoformat(),
                "signed_precision": precision,
                "year_label": year,
                "authority": "Thủ tướng Chính phủ",
                "criteria_set": "huyen-ntm-2021-2025" if year >= 2021 else "",
                "criteria_met": "",
                "source": source,
                "citation": citation,
                "note": "",
            }
        )

    _write("decisions.csv", decisions)
    _write("assessments.csv", assessments)
    _write_difficulty(rng, atlas, ntm_year, names)
    _write_targets()
    _write_present(atlas, decisions)


def _write_present(atlas, decisions) -> None:
    old, assessments, reported = demo_present.old_bac_ninh(atlas)
    _write("decisions_bac_ninh_old.csv", old)
    _write("assessments_bac_ninh_old.csv", assessments)
    _write("reported_figures_bac_ninh_old.csv", reported)
    _write("plan_targets_present.csv", demo_present.targets())
    read = {name: list(csv.DictReader((OUT / f"{name}.csv").open(encoding="utf-8"))) for name in
            ("difficulty_entries", "difficulty_lists")}  # fmt: skip
    now = demo_present.present(atlas, decisions + old, read["difficulty_entries"], read["difficulty_lists"])
    _write("commune_groups.csv", now["groups"])
    _write("assessments_present.csv", now["assessments"])
    _write("decisions_present.csv", now["decisions"])
    _write("reviews.csv", now["reviews"])


def _pick(rng, years: dict, n: int, ok, prefer, xa) -> set:
    district = xa.set_index("code")["parent_code"]
    first = sorted(c for c, y in years.items() if ok(y) and district[c] in prefer)
    rest = sorted(c for c, y in years.items() if ok(y) and district[c] not in prefer)
    rng.shuffle(first)
    rng.shuffle(rest)
    return set((first + rest)[:n])


def _commune_decision(rng, code, name, district, level, year, cset, signed=None, note=""):
    signed = signed or date(year, rng.randint(10, 12), rng.randint(1, 28))
    number = f"MH-{rng.randint(100, 2999)}/QĐ-UBND"  # MH = minh họa: visibly not a real number
    return {
        "unit_level": "commune",
        "unit_code": code,
        "unit_name": name,
        "district_code": district,
        "level": level,
        "field": "",
        "decision_no": number,
        "signed": signed.isoformat(),
        "signed_precision": "day",
        "year_label": year,
        "authority": "Chủ tịch UBND tỉnh Bắc Giang",
        "criteria_set": cset if year >= 2021 else "",
        "criteria_met": ";".join(str(i) for i in range(1, 20)) if year >= 2021 else "",
        "source": ILL,
        "citation": ILL_NOTE + " (MH- numbers are invented)",
        "note": note,
    }


def _write_difficulty(rng, atlas, ntm_year, names) -> None:
    """ĐBKK communes of Sơn Động and Lục Ngạn (illustrative) and their village counts."""
    units = atlas.units_on("2021-06-04")
    mountain = units[(units["parent_code"].isin(["219", "220"])) & (units["type"] == "Xã")].sort_values("code")
    # Especially difficult: communes not NTM while listed (a commune recognised as NTM is not region III).
    candidates = [c for c in mountain["code"] if ntm_year.get(c, 9999) > 2024]
    listed_2021 = sorted(rng.sample(candidates, min(16, len(candidates))))
    # The 2024 amendment moves two of them out of region III.
    listed_2024 = sorted(rng.sample(listed_2021, len(listed_2021) - 2))
    entries, villages, counts = [], [], []
    for list_id, codes in (("861/QĐ-TTg", listed_2021), ("861/QĐ-TTg+698/QĐ-TTg", listed_2024)):
        for c in codes:
            entries.append(
                {
                    "list_id": list_id,
                    "unit_code": c,
                    "unit_name": names.get(c, _name(atlas, c)),
                    "village": "",
                    "source": ILL,
                    "note": ILL_NOTE,
                }
            )
    for c in listed_2021:
        total = rng.randint(7, 16)
        dbkk = rng.randint(3, max(3, total - 2))
        for i in range(1, dbkk + 1):
            for list_id in ("612/QĐ-UBDT", "612/QĐ-UBDT+497/QĐ-UBDT"):
                villages.append(
                    {
                        "list_id": list_id,
                        "unit_code": c,
                        "unit_name": names.get(c, _name(atlas, c)),
                        "village": f"Thôn ĐBKK số {i} (minh họa)",
                        "source": ILL,
                        "note": ILL_NOTE,
                    }
                )
        ntm_dbkk, ntm_other = 0, rng.randint(0, total - dbkk)
        model = 0
        for year in (2021, 2022, 2023, 2024):
            ntm_dbkk = min(dbkk, ntm_dbkk + rng.randint(0, 2))
            ntm_other = min(total - dbkk, ntm_other + rng.randint(0, 1))
            model = min(ntm_dbkk + ntm_other, model + (rng.randint(0, 1) if year >= 2023 else 0))
            counts.append(
                {
                    "commune_code": c,
                    "commune_name": names.get(c, _name(atlas, c)),
                    "as_of": f"{year}-12-31",
                    "total": total,
                    "ntm": ntm_dbkk + ntm_other,
                    "kieu_mau": model,
                    "dbkk_total": dbkk,
                    "dbkk_ntm": ntm_dbkk,
                    "source": ILL,
                    "citation": ILL_NOTE,
                }
            )
    lists = [
        {
            "id": "861/QĐ-TTg",
            "kind": "commune",
            "title": "Danh sách xã khu vực III (xã ĐBKK) giai đoạn 2021-2025",
            "legal_act": "861/QĐ-TTg",
            "valid_from": "2021-06-04",
            "valid_to": "2024-06-30",
            "amends": "",
            "source": ILL,
            "citation": "Act: QĐ 861/QĐ-TTg ngày 04/06/2021 (official). Entries for Bắc Giang: "
            "illustrative, the list was not found as open data.",
        },
        {
            "id": "861/QĐ-TTg+698/QĐ-TTg",
            "kind": "commune",
            "title": "Danh sách xã khu vực III, sửa đổi năm 2024",
            "legal_act": "698/QĐ-TTg",
            "valid_from": "2024-07-01",
            "valid_to": "2025-12-31",
            "amends": "861/QĐ-TTg",
            "source": ILL,
            "citation": "Act: QĐ 698/QĐ-TTg (2024) amending 861/QĐ-TTg; its date of effect is not in "
            "our sources (1 July 2024 is assumed). Entries illustrative.",
        },
        {
            "id": "612/QĐ-UBDT",
            "kind": "village",
            "title": "Danh sách thôn đặc biệt khó khăn giai đoạn 2021-2025",
            "legal_act": "612/QĐ-UBDT",
            "valid_from": "2021-09-16",
            "valid_to": "2024-06-30",
            "amends": "",
            "source": ILL,
            "citation": "Act: QĐ 612/QĐ-UBDT (2021); its day is not in our sources (16/09/2021 assumed). "
            "Villages illustrative (names are placeholders).",
        },
        {
            "id": "612/QĐ-UBDT+497/QĐ-UBDT",
            "kind": "village",
            "title": "Danh sách thôn ĐBKK, sửa đổi năm 2024",
            "legal_act": "497/QĐ-UBDT",
            "valid_from": "2024-07-01",
            "valid_to": "2025-12-31",
            "amends": "612/QĐ-UBDT",
            "source": ILL,
            "citation": "Act: QĐ 497/QĐ-UBDT (2024); date of effect assumed. Villages illustrative.",
        },
    ]
    _write("difficulty_lists.csv", lists)
    _write("difficulty_entries.csv", entries + villages)
    _write("village_counts.csv", counts)


def _name(atlas, code) -> str:
    return atlas.versions(code)["name"].iloc[0]


def _write_targets() -> None:
    targets = [
        {
            "id": "dbkk-villages-60pct-2025",
            "title_vi": "60% số thôn thuộc các xã ĐBKK của Sơn Động, Lục Ngạn đạt chuẩn NTM vào cuối năm 2025",
            "title_en": "60% of villages of the especially difficult communes of "
            "Sơn Động and Lục Ngạn at NTM standard by the end of 2025",
            "metric": "dbkk_villages_ntm_share",
            "target": 0.6,
            "deadline": "2025-12-31",
            "scope": "219;220",
            "province_code": "24",
            "source": "official",
            "citation": SEED_LETTER + "; Decision 263/QĐ-TTg (2022)",
        },
        {
            "id": "tan-yen-advanced-2025",
            "title_vi": "Huyện Tân Yên đạt chuẩn NTM nâng cao, trình công nhận năm 2025",
            "title_en": "Tân Yên recognised as an advanced NTM district in 2025",
            "metric": "districts_nang_cao",
            "target": 1,
            "deadline": "2025-12-31",
            "scope": "216",
            "province_code": "24",
            "source": "official",
            "citation": SEED_LETTER,
        },
        {
            "id": "communes-ntm-2024",
            "title_vi": "Số xã đạt chuẩn NTM đến hết năm 2024",
            "title_en": "Communes at NTM standard by the end of 2024",
            "metric": "communes_ntm",
            "target": 160,
            "deadline": "2024-12-31",
            "scope": "",
            "province_code": "24",
            "source": ILL,
            "citation": "Illustrative: the yearly targets of plan 03/KH-UBND (11/01/2024) are not in our sources",
        },
        {
            "id": "communes-nang-cao-2024",
            "title_vi": "Số xã đạt chuẩn NTM nâng cao đến hết năm 2024",
            "title_en": "Advanced NTM communes by the end of 2024",
            "metric": "communes_nang_cao",
            "target": 70,
            "deadline": "2024-12-31",
            "scope": "",
            "province_code": "24",
            "source": ILL,
            "citation": "Illustrative: the yearly targets of plan 03/KH-UBND (11/01/2024) are not in our sources",
        },
    ]
    figures = [
        ("24", 2023, "districts_achieved", 7, "official", SEED_LETTER),
        ("24", 2023, "communes_ntm", 154, "official", "154/182 xã đạt chuẩn NTM (" + XAYDUNG_2023 + ")"),
        ("24", 2023, "communes_nang_cao", 58, "official", "58 xã đạt chuẩn NTM nâng cao (" + XAYDUNG_2023 + ")"),
        ("24", 2023, "communes_kieu_mau", 12, "official", "12 xã đạt chuẩn NTM kiểu mẫu (" + XAYDUNG_2023 + ")"),
        ("24", 2023, "communes_ntm_new", 9, "official", SEED_LETTER),
        ("24", 2023, "communes_nang_cao_new", 15, "official", SEED_LETTER),
        ("24", 2023, "communes_kieu_mau_new", 11, "official", SEED_LETTER),
        ("24", 2023, "villages_kieu_mau_new", 119, "official", SEED_LETTER),
    ]
    _write("plan_targets.csv", targets)
    _write(
        "reported_figures.csv",
        [dict(zip(["province_code", "year", "metric", "value", "source", "citation"], f)) for f in figures],
    )


def _write(name: str, rows: list[dict]) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with (OUT / name).open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {OUT / name}: {len(rows)} rows")


if __name__ == "__main__":
    main()
