"""Old Bắc Ninh's public record and the present (2026-2030) for the embedded dataset.

Called by ``make_demo_status.py``; writes ``geo_ntm/data/demo/*_bac_ninh_old.csv`` and
``*_present.csv``, ``commune_groups.csv`` and ``reviews.csv``.

Official (from ``geo_ntm/data/public_record``, each row citing the public page it was read on):

- the district-level units of old Bắc Ninh (code 27): three with decision number and date
  (Quế Võ, Thuận Thành, Yên Phong); Tiên Du, Từ Sơn, Lương Tài and Gia Bình only as
  "recognised by" the date of the first report (``signed_precision="by"``). TP Bắc Ninh: no
  decision was found, so it has no record (its map shows "no data", never "recognised");
- its communes: each xã of a recognised district is NTM no later than the district's decision
  (a district is recognised only with all its xã NTM; the sources state "20/20 xã" for Quế Võ
  and so on), recorded as ``signed_precision="inferred"`` with the district's citation; the
  communes named in reports (9 advanced "năm 2021", 7 NTM in 2019) with those reports; the 5
  communes that met all advanced criteria without a recognition, as assessments;
- the new province's 2030 goals (over 90% of xã NTM, 50% advanced, 30% model) and old
  Bắc Ninh's 2025 goal (50% advanced), as plan targets;

Illustrative (labelled so, record by record; drawn at random with a fixed seed):

- commune groups (nhóm 1/2/3) of the new province's xã, derived by a stated rule, since no
  official list was found: group 3 if a constituent was on the region III (ĐBKK) list in force on
  30/06/2025 (the demo's list is itself illustrative), group 1 if it absorbed a former ward or
  town, group 2 otherwise;
- 2026-2030 assessments (criteria met / not met / not assessed, against the group);
- review steps of the merged communes (self-assessed, verified, recognised with a decision,
  not recognised), and the recognition decisions (``MH-`` numbers).
"""

from __future__ import annotations

import csv
import random
from datetime import date, timedelta
from pathlib import Path

from geo_ntm.boundaries.atlas import Atlas
from geo_ntm.status import records as rec
from geo_ntm.status.derive import StatusBook

PUBLIC = Path(__file__).resolve().parent.parent / "geo_ntm" / "data" / "public_record"
ILL = "illustrative"
ILL_NOTE = "Minh họa / illustrative: not an official record"
TODAY = date(2026, 11, 30)  # the dataset's "today": records after it would be records of the future
ASSESSED_ON = date(2026, 9, 30)
GROUPS_FROM = date(2026, 2, 15)  # Decision 51/2025/QĐ-TTg in force
NEW_SET = "xa-ntm-2026-2030"
GROUP_RULE = (
    "Minh họa, suy ra theo quy tắc (không tìm thấy danh sách chính thức): nhóm 3 nếu có xã cũ thuộc danh sách "
    "xã khu vực III (ĐBKK) có hiệu lực ngày 30/06/2025; nhóm 1 nếu có phường hoặc thị trấn cũ nhập vào; còn lại "
    "nhóm 2. / Illustrative, derived by rule (no official list was found): group 3 if a constituent was on the "
    "region III (ĐBKK) list in force on 30/06/2025; group 1 if it absorbed a former ward or town; group 2 otherwise."
)
DANTRI_2025 = (
    "Báo Dân trí, 13/10/2025, https://dantri.com.vn/lao-dong-viec-lam/"
    "bac-ninh-huy-dong-hon-7230-ty-dong-cho-xay-dung-nong-thon-moi-den-nam-2030-20251013073716441.htm"
)


def _read(name: str) -> list[dict]:
    with (PUBLIC / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _cite(row: dict) -> str:
    where = ", ".join(x for x in (row["publisher"], row.get("published_on") or "", row["source_url"]) if x)
    return f"{row['citation']} ({where})"


def _decision(unit_level, code, name, level, signed, precision, year_label, *, no="", authority="", cset="",
              met="", source="official", citation="", note=""):  # fmt: skip
    return {
        "unit_level": unit_level,
        "unit_code": code,
        "unit_name": name,
        "district_code": "",
        "level": level,
        "field": "",
        "decision_no": no,
        "signed": signed.isoformat(),
        "signed_precision": precision,
        "year_label": year_label,
        "authority": authority,
        "criteria_set": cset,
        "criteria_met": met,
        "source": source,
        "citation": citation,
        "note": note,
    }


# -- old Bắc Ninh ---------------------------------------------------------------------------
def old_bac_ninh(atlas: Atlas) -> tuple[list[dict], list[dict], list[dict]]:
    """Decisions, assessments and reported figures of old Bắc Ninh from the public record."""
    decisions, commune_bound = [], {}
    for r in _read("bac_ninh_old_districts.csv"):
        if not (r["signed"] or r["first_reported"]):
            continue  # TP Bắc Ninh: no decision found, so no record ("no data")
        exact = r["precision"] == "exact" and r["signed"]
        signed = date.fromisoformat(r["signed"] if exact else r["first_reported"])
        year = int(r["year_label"]) if r["year_label"] else signed.year
        decisions.append(
            _decision("district", r["district_code"], r["name_at_recognition"], r["level"], signed,
                      "day" if exact else "by", year, no=r["decision_no"], authority="Thủ tướng Chính phủ",
                      citation=_cite(r), note=r["note"])
        )  # fmt: skip
        units = atlas.units_on(signed)
        xa = units[(units["parent_code"] == r["district_code"]) & (units["type"] == "Xã")]
        stated = f" ({r['communes_at_recognition']})" if r["communes_at_recognition"] else ""
        for c in xa.itertuples():
            why = (
                f"Suy ra / inferred: xã thuộc {r['name_at_recognition']}, được công nhận đạt chuẩn NTM "
                f"{'ngày' if exact else 'không muộn hơn ngày'} {signed:%d/%m/%Y}{stated}; huyện chỉ được công nhận "
                "khi mọi xã đạt chuẩn NTM / a district is recognised only when all its communes are NTM. "
                f"Nguồn / source: {_cite(r)}"
            )
            commune_bound[c.code] = (signed, year, c.name, why)
    named: dict[tuple[str, str], tuple] = {}
    assessments = []
    for r in _read("bac_ninh_old_communes.csv"):
        if r["event"] == "du_tieu_chi_nang_cao":
            assessments.append(
                {
                    "unit_level": "commune",
                    "unit_code": r["commune_code"],
                    "unit_name": r["name_at_event"],
                    "district_code": r["district_code"],
                    "as_of": r["first_reported"],
                    "criteria_set": "xa-nang-cao-2021-2025",
                    "criteria_met": ";".join(str(i) for i in range(1, 20)),
                    "criteria_not_met": "",
                    "commune_group": "",
                    "source": "official",
                    "citation": "Đạt đủ 19/19 tiêu chí NTM nâng cao, chưa được công nhận / met all 19 advanced "
                    f"criteria, not recognised: {_cite(r)}",
                }
            )
            continue
        year = int(r["year_label"]) if r["year_label"] else 2019
        precision = "year" if r["precision"] == "year" else "inferred"
        named[(r["commune_code"], r["event"])] = (date(year, 12, 31), precision, year, r["name_at_event"], _cite(r))
    # One NTM record per xã: the earliest of what the reports say and what its district's decision implies;
    # a xã recognised advanced was NTM no later than that.
    for code in sorted(set(commune_bound) | {c for c, lv in named if lv == "dat_chuan"}):
        options = []
        if code in commune_bound:
            signed, year, name, why = commune_bound[code]
            options.append((signed, "inferred", year, name, why))
        if (code, "dat_chuan") in named:
            signed, precision, year, name, citation = named[(code, "dat_chuan")]
            options.append((signed, precision, year, name, citation))
        for (c, level), (signed, _, year, name, citation) in named.items():
            if c == code and level != "dat_chuan":
                why = f"Suy ra / inferred: đạt chuẩn NTM trước khi được công nhận NTM nâng cao / NTM before: {citation}"
                options.append((signed, "inferred", year, name, why))
        signed, precision, year, name, citation = min(options, key=lambda o: o[0])
        decisions.append(_decision("commune", code, name, "dat_chuan", signed, precision, year,
                                   authority="Chủ tịch UBND tỉnh Bắc Ninh", citation=citation))  # fmt: skip
    for (code, level), (signed, precision, year, name, citation) in sorted(named.items()):
        if level != "dat_chuan":
            decisions.append(_decision("commune", code, name, level, signed, precision, year,
                                       authority="Chủ tịch UBND tỉnh Bắc Ninh", citation=citation))  # fmt: skip
    reported = []
    for r in _read("province_figures.csv"):
        if r["province_code"] == "27" and r["as_of"].endswith("-12-31") and r["metric"] == "communes_ntm":
            reported.append(
                {
                    "province_code": "27",
                    "year": r["as_of"][:4],
                    "metric": "communes_ntm",
                    "value": r["value"],
                    "source": "official",
                    "citation": f"{r['value']}/{r['denominator']} xã: {_cite(r)}",
                }
            )
    return decisions, assessments, reported


def targets() -> list[dict]:
    """The province's published goals: the new Bắc Ninh's for 2030, old Bắc Ninh's for 2025."""
    out = []
    for r in _read("targets.csv"):
        ntm = ("communes_ntm_share", "trên {v}% số xã đạt chuẩn NTM", "over {v}% of communes NTM")
        adv = ("communes_nang_cao_share", "{v}% số xã đạt chuẩn NTM nâng cao", "{v}% of communes advanced")
        model = ("communes_kieu_mau_share", "{v}% số xã đạt chuẩn NTM kiểu mẫu", "{v}% of communes model")
        goal = {
            ("24", "communes_ntm_share_pct_min"): ntm,
            ("24", "communes_nang_cao_share_pct"): adv,
            ("24", "communes_kieu_mau_share_pct"): model,
            ("27", "communes_nang_cao_share_pct"): adv,
        }.get((r["province_code"], r["metric"]))
        if goal is None or r["scope"] != "province":
            continue
        metric, vi, en = goal
        year = r["deadline"][:4]
        new = r["province_code"] == "24"
        who = ("tỉnh Bắc Ninh (mới)", "the new Bắc Ninh") if new else ("tỉnh Bắc Ninh (cũ)", "old Bắc Ninh")
        out.append(
            {
                "id": f"{'bac-ninh' if new else 'bac-ninh-cu'}-{metric.replace('_', '-')}-{year}",
                "title_vi": f"{vi.format(v=r['target_value'])} đến năm {year} ({who[0]})",
                "title_en": f"{en.format(v=r['target_value'])} by {year} ({who[1]})",
                "metric": metric,
                "target": float(r["target_value"]) / 100,
                "deadline": r["deadline"],
                "scope": "",
                "province_code": r["province_code"],
                "source": "official",
                "citation": f"{r['citation']} ({r['publisher']}, {r['published_on'] or 'undated'}, {r['source_url']}). "
                f"{r['note']}",
                "set_on": r["published_on"] if new else "",
            }
        )
    return out


# -- the present (illustrative) -------------------------------------------------------------
def present(atlas: Atlas, decision_rows: list[dict], entries: list[dict], lists: list[dict]) -> dict[str, list]:
    """Groups, 2026-2030 assessments, review steps and recognitions of the new province's xã."""
    rng = random.Random(2026)
    book = StatusBook(atlas, [rec.decision(r) for r in decision_rows], [])
    before = atlas.reform_date - timedelta(days=1)
    live = [
        d for d in lists if d["kind"] == "commune" and d["valid_from"] <= before.isoformat() <= (d["valid_to"] or "9")
    ]
    dbkk = {e["unit_code"] for e in entries if live and e["list_id"] == live[-1]["id"] and not e["village"]}
    today = book.on(TODAY)
    xa = today[(today["type"] == "Xã")].sort_values("code")
    groups, assessments, decisions, reviews = [], [], [], []
    for r in xa.itertuples():
        steps = atlas.predecessors(r.uid)
        olds = [atlas.units.loc[s.source] for s in steps if s.date == atlas.reform_date] or [atlas.units.loc[r.uid]]
        hard = [o["name"] for o in olds if o["code"] in dbkk and o["type"] == "Xã"]
        urban = [o["name"] for o in olds if o["type"] in ("Phường", "Thị trấn")]
        group, why = (
            (3, f"ĐBKK: {', '.join(hard)}")
            if hard
            else (1, f"phường/thị trấn cũ: {', '.join(urban)}")
            if urban
            else (2, "—")
        )
        groups.append({"unit_code": r.code, "unit_name": r.name, "commune_group": group,
                       "valid_from": GROUPS_FROM.isoformat(), "criteria_set": NEW_SET, "basis": GROUP_RULE,
                       "source": ILL, "citation": f"{ILL_NOTE} ({why})"})  # fmt: skip
        past = book.status_of(r.uid, TODAY).past
        state = _state(rng, r.status, past)
        met, not_met = _criteria(rng, state, past)
        if state != "not_started" or rng.random() < 0.5:  # some communes have no assessment yet
            assessments.append({"unit_level": "commune", "unit_code": r.code, "unit_name": r.name, "district_code": "",
                                "as_of": ASSESSED_ON.isoformat(), "criteria_set": NEW_SET,
                                "criteria_met": ";".join(map(str, met)),
                                "criteria_not_met": ";".join(map(str, not_met)),
                                "commune_group": group, "source": ILL, "citation": ILL_NOTE})  # fmt: skip
        if r.status != "cho_ra_soat" or state == "not_started":
            continue
        on = date(2026, rng.randint(3, 6), rng.randint(1, 28))
        reviews.append(
            _step(
                r,
                "self_assessed",
                on,
                f"MH-{rng.randint(10, 299)}/BC-UBND",
                "Báo cáo tự đánh giá kết quả thực hiện tiêu chí xã NTM (minh họa)",
                f"UBND {r.name}",
            )
        )
        if state == "self_assessed":
            continue
        on += timedelta(days=rng.randint(30, 90))
        reviews.append(
            _step(
                r,
                "verified",
                on,
                f"MH-{rng.randint(10, 299)}/BB-TĐ",
                "Biên bản thẩm định hồ sơ (minh họa)",
                "Đoàn thẩm định cấp tỉnh (minh họa)",
            )
        )
        if state == "verified":
            continue
        on = min(on + timedelta(days=rng.randint(20, 60)), TODAY - timedelta(days=10))
        number = f"MH-{rng.randint(3000, 3999)}/QĐ-UBND"
        if state == "recognised":
            decisions.append(_decision("commune", r.code, r.name, "dat_chuan", on, "day", on.year, no=number,
                                       authority="Chủ tịch UBND tỉnh Bắc Ninh", cset=NEW_SET,
                                       met=";".join(str(i) for i in range(1, 11)), source=ILL,
                                       citation=ILL_NOTE + " (MH- numbers are invented)",
                                       note="Thừa nhận sau sắp xếp (minh họa) / recognised after review"))  # fmt: skip
            reviews.append(
                _step(
                    r,
                    "recognised",
                    on,
                    number,
                    "Quyết định công nhận xã đạt chuẩn NTM (minh họa)",
                    "Chủ tịch UBND tỉnh Bắc Ninh",
                )
            )
        else:
            reviews.append(
                _step(
                    r,
                    "not_recognised",
                    on,
                    f"MH-{rng.randint(100, 999)}/TB-UBND",
                    "Thông báo chưa đủ điều kiện công nhận (minh họa)",
                    "UBND tỉnh Bắc Ninh",
                )
            )
    return {"groups": groups, "assessments": assessments, "decisions": decisions, "reviews": reviews}


def _state(rng: random.Random, status: str, past: str | None) -> str:
    if status != "cho_ra_soat":
        return "not_started"
    weights = {"all_ntm": (2, 3, 3, 4, 0), "some_ntm": (4, 3, 2, 1, 1), "none_ntm": (5, 2, 1, 0, 1)}.get(
        past, (3, 2, 1, 1, 0)
    )
    return rng.choices(("not_started", "self_assessed", "verified", "recognised", "not_recognised"), weights)[0]


def _criteria(rng: random.Random, state: str, past: str | None) -> tuple[list[int], list[int]]:
    if state == "recognised":
        return list(range(1, 11)), []
    low = {"all_ntm": 6, "some_ntm": 4}.get(past, 3)
    met = sorted(rng.sample(range(1, 11), rng.randint(low, 9)))
    rest = [n for n in range(1, 11) if n not in met]
    unknown = set(rng.sample(rest, rng.randint(0, min(2, len(rest) - 1)))) if state != "not_recognised" else set()
    return met, [n for n in rest if n not in unknown]


def _step(r, state, on, number, document, authority) -> dict:
    return {"unit_level": "commune", "unit_code": r.code, "unit_name": r.name, "state": state,
            "reviewed_on": on.isoformat(), "document_no": number, "document": document, "authority": authority,
            "criteria_set": NEW_SET, "source": ILL, "citation": ILL_NOTE + " (MH- numbers are invented)",
            "note": ""}  # fmt: skip
