"""The seed letter (Công văn 687/UBND-NN, Bắc Giang, 2024, OCR'd) read end to end.

The expected lists below were made by reading the letter, not by running the code:

- Units it names (line: what the OCR text says → the unit, GSO code, on the letter's date):
  line 2 "TINH BAC GIANG" → Tỉnh Bắc Giang 24; lines 21-22 "huyén Luc / Nam" → Huyện Lục Nam 218;
  line 60 "huyén Tan Yén" → Huyện Tân Yên 216; line 66 "huyén Son Pong va Luc Ngan" → Huyện Sơn
  Động 220 and Huyện Lục Ngạn 219. Line 4 "Bac Giang, ngay 06 ..." is the place of signing: the
  province or its city (Thành phố Bắc Giang, 213), so either or both as candidates. Line 117 "Bao
  Bic Giang" is the newspaper Báo Bắc Giang, no unit. The letter names no commune by name.
- Its section on 2023 results (lines 15-31) holds these figures: 07 district-level units achieved
  (cumulative, "lũy kế đến nay"); 09 communes newly NTM, 15 newly advanced, 11 newly model, 119
  model villages ("công nhận thêm"); 138 million đồng of output per hectare of farmland; 52 million
  đồng rural income per head a year; poverty rate 2.63%, rural 2.87%. It also says Lục Nam reached
  NTM (in 2023).
- Its targets: Tân Yên to be recognised an advanced NTM district in 2025 (line 63-64); 60% of the
  villages of the especially difficult communes of Sơn Động and Lục Ngạn NTM by the end of 2025
  (line 69), over all villages of those communes.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from geo_ntm.documents.analysis import analyse
from geo_ntm.documents.compare import check
from geo_ntm.documents.drafts import TARGET_FIELDS, draft_targets, to_csv
from geo_ntm.documents.reading import read_document
from geo_ntm.status.demo import load_demo
from geo_ntm.status.imports.importer import import_file
from geo_ntm.status.model import Decision
from geo_ntm.status.service import StatusService
from geo_ntm.status.store import SqliteStore

LETTER = Path(__file__).parents[2] / "data" / "cong-van-687-UBND-NN-2024.txt"
#: (line, GSO code) of every unit the letter names, read by hand.
NAMED = {(2, "24"), (21, "218"), (60, "216"), (66, "220"), (66, "219")}
#: The place of signing: the province or its city.
PLACE_LINE, PLACE_CODES = 4, {"24", "213"}
NEWSPAPER_LINE = 117
#: (value, what it counts, metric, new or cumulative) of the 2023 section, read by hand.
RESULTS_2023 = {
    (7.0, "district", "districts_achieved", "cumulative"),
    (9.0, "commune", "communes_ntm", "new"),
    (15.0, "commune", "communes_nang_cao", "new"),
    (11.0, "commune", "communes_kieu_mau", "new"),
    (119.0, "village", "villages_kieu_mau", "new"),
    (138.0, "million_vnd", "output_value_per_ha", None),
    (52.0, "million_vnd", "income_per_capita_rural", None),
    (2.63, "%", "poverty_rate", None),
    (2.87, "%", "poverty_rate_rural", None),
}
SECTION_2023 = range(15, 32)


@pytest.fixture(scope="module")
def letter(atlas):
    doc = read_document(LETTER.read_bytes(), LETTER.name)
    return analyse(doc.text, atlas)


@pytest.fixture(scope="module")
def demo(atlas, tmp_path_factory):
    store = SqliteStore(tmp_path_factory.mktemp("demo") / "s.sqlite")
    load_demo(store)
    return StatusService(atlas, store)


def test_every_named_unit_is_found_confidently_and_none_is_confidently_wrong(letter):
    confident = {(u["line"], u["unit"]["code"]) for u in letter["units"] if u["confident"]}
    assert NAMED <= confident
    wrong = [(u["line"], u["text"], u["unit"]["code"]) for u in letter["units"] if u["confident"]
             if (u["line"], u["unit"]["code"]) not in NAMED]  # fmt: skip
    assert wrong == []
    levels = {u["unit"]["code"]: u["unit"]["level"] for u in letter["units"] if u["unit"]}
    assert levels == {"24": "province", "218": "district", "216": "district", "220": "district", "219": "district"}


def test_the_place_of_signing_keeps_its_candidates_and_the_newspaper_is_no_unit(letter):
    place = [u for u in letter["units"] if u["line"] == PLACE_LINE]
    assert place and all(not u["confident"] for u in place)
    assert {c["code"] for c in place[0]["candidates"]} <= PLACE_CODES
    assert place[0]["status"] == "ambiguous" and len(place[0]["candidates"]) == 2
    assert [u for u in letter["units"] if u["line"] == NEWSPAPER_LINE] == []


def test_no_commune_is_named(letter):
    assert [u for u in letter["units"] if (u["unit"] or {}).get("level") == "commune"] == []


def test_the_date_context_is_the_letters_own_date_and_the_later_citation_is_flagged(letter):
    assert letter["identity"]["date"] == "2024-01-06" and letter["as_of"] == "2024-01-06"
    assert letter["identity"]["number"] == "687/UBND-NN" and letter["identity"]["kind"] == "Công văn"
    assert letter["identity"]["citation"] == "Công văn 687/UBND-NN ngày 06/01/2024 của UBND tỉnh Bắc Giang"
    later = [n for n in letter["notes"] if n["code"] == "cites_later_date"]
    assert later and later[0]["cited_date"] > "2024-01-06"


def test_every_figure_of_the_2023_section_is_extracted_and_nothing_else(letter):
    found = {(f["value"], f["unit"], f["metric"], f["period"]) for f in letter["figures"] if f["line"] in SECTION_2023}
    assert found == RESULTS_2023
    assert all(f["year"] == 2023 for f in letter["figures"] if f["line"] in SECTION_2023)


def test_lucnam_reaching_ntm_is_a_claim_about_lucnam(letter):
    claims = [(c["unit_codes"], c["level"], c["year"]) for c in letter["claims"]]
    assert claims == [(["218"], "dat_chuan", 2023)]


def test_the_2024_2025_targets(letter):
    targets = {(t["metric"], t["target"], t["deadline"], tuple(sorted(t["scope"]))) for t in letter["targets"]}
    assert targets == {
        ("districts_nang_cao", 1.0, "2025-12-31", ("216",)),
        ("dbkk_villages_ntm_share", 0.6, "2025-12-31", ("219", "220")),
    }


def test_figures_are_compared_and_unknown_is_never_agreement(letter, demo):
    checks = {c["document"]: c for c in check(letter, demo)["figures"]}
    # The records hold decisions for the counts of communes and districts; nothing for the rest.
    for value in (7.0, 9.0, 15.0, 11.0):
        assert checks[value]["records"] == value and checks[value]["verdict"] == "agrees"
        assert checks[value]["basis"] == {"year": 2023}
    for value in (119.0, 138.0, 52.0, 2.63, 2.87):
        assert checks[value]["records"] is None and checks[value]["verdict"] == "no_data"
    # Commune results are illustrative in the embedded data: the check says so.
    assert checks[9.0]["illustrative"] is True
    # The published figure on record cites this very letter: shown, never counted as agreement.
    assert checks[119.0]["published"]["cites_this_document"] is True


def test_a_figure_the_records_contradict_is_flagged(letter, atlas, tmp_path):
    store = SqliteStore(tmp_path / "s.sqlite")
    load_demo(store)
    year_end = StatusService(atlas, store).snapshot().book.for_year(2023)
    not_yet = year_end[
        (year_end["type"] == "Xã") & (year_end["status"] == "chua_dat") & (year_end["province_code"] == "24")
    ]
    one = atlas.units.loc[not_yet["uid"].iloc[0]]
    assert one["valid_from"] <= date(2023, 6, 1)
    with store.write("test") as w:  # a tenth commune newly NTM in 2023
        w.add_decision(
            Decision("commune", one["code"], one["name"], "dat_chuan", date(2023, 6, 1), 2023, "illustrative")
        )
    checks = {c["document"]: c for c in check(letter, StatusService(atlas, store))["figures"]}
    assert checks[9.0]["records"] == 10 and checks[9.0]["verdict"] == "differs"


def test_the_claim_names_the_decision_signed_after_the_letters_date(letter, demo):
    (claim,) = check(letter, demo)["claims"]
    (unit,) = claim["units"]
    assert claim["verdict"] == "agrees" and unit["decision_no"] == "37/QĐ-TTg"
    assert unit["signed_after_document"] is True


def test_targets_are_found_on_record_and_progress_uses_all_villages(letter, demo):
    targets = {t["metric"]: t for t in check(letter, demo)["targets"]}
    assert targets["districts_nang_cao"]["recorded"]["id"] == "tan-yen-advanced-2025"
    share = targets["dbkk_villages_ntm_share"]
    assert share["recorded"]["id"] == "dbkk-villages-60pct-2025"
    progress = share["progress"]
    # All villages of the communes, and the listed difficult villages beside them: two different counts.
    assert progress["villages"] > progress["dbkk_villages"] > 0 and progress["illustrative"] is True


def test_the_targets_become_a_draft_that_the_import_dry_run_accepts(letter, demo, atlas, tmp_path):
    draft = tmp_path / "draft-targets.csv"
    draft.write_bytes(to_csv(draft_targets(letter, "24"), TARGET_FIELDS))
    empty = tmp_path / "empty.sqlite"
    report = import_file(draft, empty, atlas, actor="t", records="targets", dry_run=True)
    assert report.ok and report.would_write == 2, report.to_text()
    again = import_file(draft, demo.store, atlas, actor="t", records="targets", dry_run=True)
    assert not again.ok and all("already" in e["problem"] or "in the store" in e["problem"] for e in again.errors)
