"""Finding units, status phrases, figures and targets in short texts written for each case."""

from __future__ import annotations

from datetime import date

import pytest

from geo_ntm.documents.analysis import analyse
from geo_ntm.documents.text import Text

DAY = date(2023, 6, 1)


def units(atlas, text, day=DAY):
    found = analyse(text, atlas, day=day)["units"]
    return [(u["text"].replace("\n", " "), u["status"], (u["unit"] or {}).get("code")) for u in found]


def test_lists_after_one_type_word_keep_the_level(atlas):
    found = units(atlas, "Các xã Vân Sơn, Hữu Sản và Đại Sơn đạt chuẩn nông thôn mới.")
    assert found == [("Vân Sơn", "matched", "07621"), ("Hữu Sản", "matched", "07624"), ("Đại Sơn", "matched", "07627")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("UBND huyen Son Dong", [("Son Dong", "matched", "220")]),  # no diacritics
        ("UBND huyén Son Pong", [("Son Pong", "matched", "220")]),  # OCR: đ read as p
        ("HUYỆN SƠN ĐỘNG", [("SƠN ĐỘNG", "matched", "220")]),  # capitals
        ("trật tự xã hội được giữ vững; toàn xã hội chung sức", []),  # "xã hội" is society
        ("Báo Bắc Giang đưa tin", []),  # a newspaper
        ("Tỉnh ủy chỉ đạo; Công an tỉnh, UBND các huyện, thị xã", []),  # type words without names
        ("Riêng Lục Ngạn cần quyết liệt", [("Lục Ngạn", "matched", "219")]),  # bare district name
    ],
)
def test_names_after_type_words_and_what_is_not_a_name(atlas, text, expected):
    assert units(atlas, text) == expected


def test_a_name_that_is_gone_on_the_date_keeps_the_units_it_named(atlas):
    (u,) = analyse("Sáp nhập xã Phi Mô vào xã khác.", atlas, day=DAY)["units"][:1]
    assert u["status"] == "other_date" and not u["confident"]
    assert "07423" in {c["code"] for c in u["candidates"]}


def test_the_same_name_on_two_levels_is_ambiguous_without_a_type_word(atlas):
    (u,) = analyse("Hội nghị tổ chức tại Bắc Giang, ngày 05 tháng 3 năm 2023.", atlas)["units"]
    assert u["status"] == "ambiguous" and {c["code"] for c in u["candidates"]} == {"24", "213"}


def test_a_name_split_over_two_lines_is_one_mention(atlas):
    result = analyse("kết quả nổi bật như huyện Lục\nNam đạt chuẩn nông thôn mới", atlas, day=DAY)
    (u,) = result["units"]
    assert (u["line"], u["end_line"], u["unit"]["code"]) == (1, 2, "218")
    assert [c["unit_codes"] for c in result["claims"]] == [["218"]]


@pytest.mark.parametrize(
    ("text", "claims"),
    [
        ("Huyện Lục Nam đạt chuẩn nông thôn mới năm 2023.", [("dat_chuan", ["218"])]),
        ("Huyện Sơn Động và Lục Ngạn đạt chuẩn NTM.", [("dat_chuan", ["220", "219"])]),
        ("Huyện Lục Nam có 5 xã đạt chuẩn nông thôn mới.", []),  # a figure about communes
        ("Huyện Lục Nam công nhận thôn nông thôn mới thuộc các xã đặc biệt khó khăn.", []),
        ("Huyện Lục Nam tập trung nâng cao năng lực cán bộ.", []),  # "nâng cao" without NTM
        ("Thành phố Bắc Giang hoàn thành nhiệm vụ xây dựng nông thôn mới.", [("hoan_thanh", ["213"])]),
    ],
)
def test_status_phrases_belong_to_the_unit_they_are_said_of(atlas, text, claims):
    found = analyse(text, atlas, day=DAY)["claims"]
    assert [(c["level"], c["unit_codes"]) for c in found] == claims


@pytest.mark.parametrize(
    ("text", "figures"),
    [
        ("Toàn tỉnh có 154/182 xã đạt chuẩn nông thôn mới.", [(154.0, 182.0, "commune", "communes_ntm")]),
        ("Tỷ lệ hộ nghèo giảm còn 2,63%.", [(2.63, None, "%", "poverty_rate")]),
        ("Do dịch Covid 19 kéo dài, theo Kế hoạch số 03/KH-UBND ngày 11/01/2024.", []),
        ("1. UBND các huyện\n2. Các sở, ngành", []),
        ("Thu nhập bình quân đạt 1.250 triệu đồng", [(1250.0, None, "million_vnd", "income_per_capita")]),
    ],
)
def test_figures_and_what_is_not_a_figure(atlas, text, figures):
    found = analyse(text, atlas, day=DAY)["figures"]
    assert [(f["value"], f["of"], f["unit"], f["metric"]) for f in found] == figures


def test_new_and_cumulative_follow_the_nearest_cue(atlas):
    text = "Lũy kế đến nay có 150 xã đạt chuẩn NTM; năm nay công nhận thêm 9 xã đạt chuẩn NTM; 3 xã đạt NTM kiểu mẫu."
    found = [(f["value"], f["metric"], f["period"]) for f in analyse(text, atlas, day=DAY)["figures"]]
    assert found == [(150.0, "communes_ntm", "cumulative"), (9.0, "communes_ntm", "new"),
                     (3.0, "communes_kieu_mau", "new")]  # fmt: skip


def test_a_past_year_is_a_result_and_a_future_deadline_a_target(atlas):
    text = (
        "Năm 2023 có 9 xã đạt chuẩn nông thôn mới.\n"
        "- Huyện Yên Thế phấn đấu đến hết năm 2025 có 80% số thôn thuộc các xã đặc biệt khó khăn đạt chuẩn NTM.\n"
        "- Huyện Lục Ngạn đạt chuẩn nông thôn mới vào năm 2025."
    )
    result = analyse(text, atlas, day=date(2024, 2, 1))
    assert [(f["value"], f["target"]) for f in result["figures"]] == [(9.0, False), (80.0, True)]
    targets = {(t["metric"], t["target"], t["deadline"], tuple(t["scope"])) for t in result["targets"]}
    assert targets == {("dbkk_villages_ntm_share", 0.8, "2025-12-31", ("215",)),
                       ("districts_achieved", 1.0, "2025-12-31", ("219",))}  # fmt: skip


def test_the_date_context_the_user_sets_changes_the_units(atlas):
    text = "Thị xã Chũ và huyện Yên Dũng"
    before = analyse(text, atlas, day=date(2024, 6, 1))["units"]
    after = analyse(text, atlas, day=date(2025, 3, 1))["units"]
    assert [u["status"] for u in before] == ["other_date", "matched"]  # Chũ formed on 2025-01-01
    assert [u["status"] for u in after][:1] == ["matched"] and after[0]["unit"]["code"] == "224"


def test_a_reviewer_correction_moves_the_claims(atlas):
    text = "Tại Bắc Giang, huyện Lục Nam đạt chuẩn nông thôn mới."
    first = analyse(text, atlas, day=DAY)
    place = first["units"][0]
    fixed = analyse(text, atlas, day=DAY, corrections={place["id"]: {"uid": "24@2010-09-28"}})
    assert fixed["units"][0]["unit"]["code"] == "24" and fixed["units"][0]["corrected"]
    rejected = analyse(text, atlas, day=DAY, corrections={first["units"][1]["id"]: {"reject": True}})
    assert rejected["claims"] == []


def test_tokens_keep_their_places():
    t = Text("Huyện Sơn Động\nxã Tân Sơn: 2,63%")
    assert [(tok.raw, tok.key) for tok in t.tokens][:3] == [("Huyện", "huyen"), ("Sơn", "son"), ("Động", "dong")]
    assert t.line_col(t.tokens[3].start) == (2, 0)
    assert [tok.raw for tok in t.tokens if tok.number] == ["2,63"]
