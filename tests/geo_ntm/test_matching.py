"""Tests of geo_ntm.matching: typed, abbreviated and OCR-damaged unit names."""

from __future__ import annotations

import itertools
import json
import unicodedata
from pathlib import Path

import pytest

from geo_ntm.matching import (
    AMBIGUITY_MARGIN,
    DEFAULT_MIN_SCORE,
    Match,
    NameIndex,
    best,
    match,
    normalize_query,
    resolve,
)
from geo_ntm.names import nfc

DATA = Path(__file__).resolve().parents[1] / "data" / "bac_giang_communes_2013_vietnam63.geojson"

BAC_GIANG_DISTRICTS = [
    "Thành phố Bắc Giang",
    "Huyện Yên Thế",
    "Huyện Tân Yên",
    "Huyện Lạng Giang",
    "Huyện Lục Nam",
    "Huyện Lục Ngạn",
    "Huyện Sơn Động",
    "Huyện Yên Dũng",
    "Huyện Việt Yên",
    "Huyện Hiệp Hòa",
]

COMMUNES = [
    "Thị trấn Tây Yên Tử",
    "Xã Dĩnh Trì",
    "Xã Dĩnh Kế",
    "Phường Đa Mai",
    "Phường Mỹ Độ",
    "Xã Tân An",
    "Phường Tân An",
    "Thị trấn Bố Hạ",
    "Xã Bố Hạ",
    "Xã Đồng Sơn",
    "Xã Đông Sơn",
    "Xã Xa Lý",
    "Thị trấn Chũ",
    "Xã Song Khê",
]


@pytest.fixture(scope="module")
def districts() -> NameIndex:
    return NameIndex(BAC_GIANG_DISTRICTS)


@pytest.fixture(scope="module")
def communes() -> NameIndex:
    return NameIndex(COMMUNES)


@pytest.fixture(scope="module")
def bac_giang_2013() -> list[str]:
    features = json.loads(DATA.read_text(encoding="utf-8"))["features"]
    return [f["properties"]["name_2013"] for f in features]


@pytest.mark.parametrize(
    ("query", "hint", "short"),
    [
        ("Xã Sơn Động", "Xã", "son dong"),
        ("X. Sơn Động", "Xã", "son dong"),
        ("xa son dong", "Xã", "son dong"),
        ("TT Tây Yên Tử", "Thị trấn", "tay yen tu"),
        ("T.T Tây Yên Tử", "Thị trấn", "tay yen tu"),
        ("TT. Tây Yên Tử", "Thị trấn", "tay yen tu"),
        ("Thị trấn Tây Yên Tử", "Thị trấn", "tay yen tu"),
        ("P.Đa Mai", "Phường", "da mai"),
        ("Phường  Đa-Mai", "Phường", "da mai"),
        ("TX Việt Yên", "Thị xã", "viet yen"),
        ("thi x3 Viet Yen", "Thị xã", "viet yen"),
        ("Thị xã Việt Yên", "Thị xã", "viet yen"),
        ("H. Lục Ngạn", "Huyện", "luc ngan"),
        ("huyén Luc Ngan", "Huyện", "luc ngan"),
        ("TP Bắc Giang", "Thành phố", "bac giang"),
        ("TP. Bắc Giang", "Thành phố", "bac giang"),
        ("Thành phố Bắc Giang", "Thành phố", "bac giang"),
        ("Q.1", "Quận", "1"),
        ("Sơn Động", "", "son dong"),
        ("Xã", "", "xa"),  # a bare prefix is a name, not a type
        ("", "", ""),
    ],
)
def test_normalize_query(query: str, hint: str, short: str) -> None:
    assert normalize_query(query) == (hint, short)


@pytest.mark.parametrize(
    ("query", "expected", "how"),
    [
        ("son dong", "Huyện Sơn Động", "folded"),
        ("Son Pong", "Huyện Sơn Động", "fuzzy"),  # OCR: Đ read as P
        ("Son Dong", "Huyện Sơn Động", "folded"),
        ("Luc Ngan", "Huyện Lục Ngạn", "folded"),
        ("luc ngan", "Huyện Lục Ngạn", "folded"),
        ("LỤC NGẠN", "Huyện Lục Ngạn", "exact"),
        ("H. Lục Ngạn", "Huyện Lục Ngạn", "exact"),
        ("Huyện Lục Ngạn", "Huyện Lục Ngạn", "exact"),
        ("Lục-Ngạn", "Huyện Lục Ngạn", "exact"),
        ("Tan Yén", "Huyện Tân Yên", "folded"),  # OCR: ê read as é
        ("Bac Giang", "Thành phố Bắc Giang", "folded"),
        ("Hiệp Hoà", "Huyện Hiệp Hòa", "folded"),  # old-style tone placement
        ("Hiep Hoa", "Huyện Hiệp Hòa", "folded"),
        ("Yen Thé", "Huyện Yên Thế", "folded"),
        ("Lang Gjang", "Huyện Lạng Giang", "fuzzy"),
        ("Sén Pong", "Huyện Sơn Động", "fuzzy"),  # two OCR confusions: ơ→é, Đ→P
        ("Hlep H0a", "Huyện Hiệp Hòa", "fuzzy"),  # i→l, o→0
        ("Yen Bung", "Huyện Yên Dũng", "fuzzy"),  # D read as B
        ("Viêt Yen", "Huyện Việt Yên", "folded"),
    ],
)
def test_district_queries(districts: NameIndex, query: str, expected: str, how: str) -> None:
    result = districts.resolve(query)
    assert result.status == "matched", result
    assert result.match is not None
    assert (result.match.name, result.match.how) == (expected, how)
    assert result.candidates[0] == result.match


def test_ocr_confusions_cost_less_than_other_substitutions(districts: NameIndex) -> None:
    def score(query: str) -> float:
        return districts.match(query, limit=1, min_score=0.0)[0].score

    assert score("Son Pong") > score("Son Xong") > 0
    assert score("Luc Ng4n") > score("Luc Ngyn") > 0


def test_ocr_son_pong_outranks_every_other_district(districts: NameIndex) -> None:
    ranked = districts.match("Son Pong", limit=None, min_score=0.0)
    assert ranked[0].name == "Huyện Sơn Động"
    assert ranked[0].score > DEFAULT_MIN_SCORE > ranked[1].score
    assert len(ranked) == len(BAC_GIANG_DISTRICTS)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("TT Tây Yên Tử", "Thị trấn Tây Yên Tử"),
        ("tt tay yen tu", "Thị trấn Tây Yên Tử"),
        ("x. dinh tri", "Xã Dĩnh Trì"),
        ("Xa Dinh Tri", "Xã Dĩnh Trì"),
        ("P.Đa Mai", "Phường Đa Mai"),
        ("p. da mai", "Phường Đa Mai"),
        ("Pinh Ke", "Xã Dĩnh Kế"),  # OCR: Đ read as P
        ("Mỹ Đo", "Phường Mỹ Độ"),
        ("Xã Tân An", "Xã Tân An"),
        ("Phường Tân An", "Phường Tân An"),
        ("P. Tân An", "Phường Tân An"),
        ("TT Bố Hạ", "Thị trấn Bố Hạ"),
        ("Đồng Sơn", "Xã Đồng Sơn"),  # diacritics decide between Đồng and Đông
        ("Xa Lý", "Xã Xa Lý"),  # "Xa" looks like a type but is part of the name
        ("xa xa ly", "Xã Xa Lý"),
        ("thi x3 Chũ", "Thị trấn Chũ"),  # wrong type only costs a penalty
    ],
)
def test_commune_queries(communes: NameIndex, query: str, expected: str) -> None:
    found = communes.best(query)
    assert found is not None, communes.resolve(query)
    assert found.name == expected


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("Tân An", {"Xã Tân An", "Phường Tân An"}),
        ("tan an", {"Xã Tân An", "Phường Tân An"}),
        ("Bố Hạ", {"Thị trấn Bố Hạ", "Xã Bố Hạ"}),
        ("dong son", {"Xã Đồng Sơn", "Xã Đông Sơn"}),
    ],
)
def test_ambiguous_without_type_or_diacritics(communes: NameIndex, query: str, names) -> None:
    result = communes.resolve(query)
    assert result.status == "ambiguous"
    assert result.match is None
    assert communes.best(query) is None
    tied = {m.name for m in result.candidates if result.candidates[0].score - m.score < 1e-9}
    assert tied == names


def test_type_breaks_the_tie(communes: NameIndex) -> None:
    result = communes.resolve("Xã Tân An")
    assert result.status == "matched"
    assert [m.name for m in result.candidates[:2]] == ["Xã Tân An", "Phường Tân An"]
    assert result.candidates[0].score - result.candidates[1].score >= AMBIGUITY_MARGIN


def test_same_name_in_two_districts_is_ambiguous() -> None:
    cands = [("bg.lg.1", "Xã Tân An"), ("bg.yd.2", "Xã Tân An"), ("bg.lg.3", "Xã Tân Dĩnh")]
    result = resolve("Xã Tân An", cands)
    assert result.status == "ambiguous"
    assert [m.id for m in result.candidates[:2]] == ["bg.lg.1", "bg.yd.2"]


@pytest.mark.parametrize("query", ["Hà Nội", "Ha Noi", "Thành phố Hồ Chí Minh", "xyz", "", " - "])
def test_unrelated_query_is_unmatched(districts, communes, bac_giang_2013, query: str) -> None:
    for index in (districts, communes, NameIndex(bac_giang_2013)):
        result = index.resolve(query)
        assert (result.status, result.match, result.candidates) == ("unmatched", None, ())


def test_nfd_input_matches_exactly(districts: NameIndex) -> None:
    query = unicodedata.normalize("NFD", "Huyện Lục Ngạn")
    assert query != "Huyện Lục Ngạn"
    assert districts.best(query) == Match(5, "Huyện Lục Ngạn", 1.0, "exact")


def test_nfd_candidates_are_normalised() -> None:
    index = NameIndex([("x", unicodedata.normalize("NFD", "Xã Dĩnh Trì"))])
    assert index.best("Xã Dĩnh Trì") == Match("x", "Xã Dĩnh Trì", 1.0, "exact")


def test_scores_are_tiered() -> None:
    ranked = match("Xã Dĩnh Trì", ["Xã Dinh Tri", "Xã Dĩnh Trì", "Xã Dĩnh Trí", "Xã Dĩnh Kế"])
    assert [(m.id, m.how) for m in ranked] == [(1, "exact"), (0, "folded"), (2, "folded")]
    assert ranked[0].score == 1.0
    assert 1.0 > ranked[1].score == ranked[2].score > 0.9


def test_ordering_is_deterministic() -> None:
    cands = ["Xã Tân An", "Phường Tân An", "Thị trấn Tân An"]
    for perm in itertools.permutations(cands):
        assert [m.name for m in match("Tân An", perm)] == sorted(cands)


def test_limit_and_min_score(communes: NameIndex) -> None:
    assert len(communes.match("Tân An", limit=1)) == 1
    assert all(m.score >= 0.97 for m in communes.match("dinh", min_score=0.97))
    assert communes.match("Dĩnh Trì", min_score=1.0)[0].name == "Xã Dĩnh Trì"


def test_module_functions_accept_plain_lists() -> None:
    assert best("son dong", BAC_GIANG_DISTRICTS) == Match(6, "Huyện Sơn Động", 0.95, "folded")
    assert best("Hà Nội", BAC_GIANG_DISTRICTS) is None


def test_real_bac_giang_names_find_themselves(bac_giang_2013: list[str]) -> None:
    names = [nfc(n) for n in bac_giang_2013]
    index = NameIndex(names)
    for name in set(names):
        result = index.resolve(name)
        assert result.candidates[0].name == name and result.candidates[0].how == "exact"
        # Only full names repeated in two districts (e.g. Xã Quang Minh) stay ambiguous.
        expected = "matched" if names.count(name) == 1 else "ambiguous"
        assert result.status == expected, result


def _synthetic(n: int) -> list[tuple[str, str]]:
    syllables = ["An", "Bình", "Cẩm", "Dĩnh", "Đồng", "Giang", "Hòa", "Kế", "Lạc", "Minh",
                 "Ngọc", "Phú", "Quang", "Sơn", "Tân", "Thịnh", "Trung", "Vân", "Xuân", "Yên",
                 "Hưng", "Lâm", "Mỹ", "Nghĩa"]  # fmt: skip
    types = ["Xã", "Phường", "Thị trấn"]
    combos = itertools.islice(itertools.product(syllables, syllables, syllables, types), n)
    return [(f"c{i}", f"{t} {a} {b} {c}") for i, (a, b, c, t) in enumerate(combos)]


def test_index_handles_11000_candidates() -> None:
    cands = _synthetic(11_000) + [("real", "Thị trấn Tây Yên Tử")]
    assert len(cands) == 11_001
    index = NameIndex(cands)
    assert len(index) == 11_001
    assert index.best("TT Tây Yên Tử") == Match("real", "Thị trấn Tây Yên Tử", 1.0, "exact")
    assert index.best("tay yén tu").id == "real"
    found = index.resolve("Xã An Bình Cẩm")
    assert found.status == "matched" and found.match.name == "Xã An Bình Cẩm"
    ocr = index.resolve("Xa An Binh Cam").candidates[0]  # folded equal
    assert ocr.name == "Xã An Bình Cẩm"
    # Without a type the same short name exists as Xã, Phường and Thị trấn.
    tied = index.resolve("An Bình Cẩm")
    assert tied.status == "ambiguous"
    assert {m.name.split(" An")[0] for m in tied.candidates[:3]} == {"Xã", "Phường", "Thị trấn"}
    assert index.resolve("Hà Nội").status == "unmatched"


def test_bigram_prefilter_loses_nothing(bac_giang_2013: list[str]) -> None:
    """The pre-filtered search equals a brute-force scan (min_score=0 compares everything)."""
    index = NameIndex(bac_giang_2013 + BAC_GIANG_DISTRICTS)
    queries = ["Son Pong", "Hlep H0a", "dinh tri", "Tan Yén", "Cau Gô", "Ph0n Xuong", "Bich Pong",
               "Luc", "Hung S0n", "Trần Nguyên Hãn", "X. Tien Lục", "Yen"]  # fmt: skip
    with_matches = 0
    for query in queries:
        everything = index.match(query, limit=None, min_score=0.0)
        for floor in (0.5, 0.65, 0.8):
            expected = [m for m in everything if m.score >= floor]
            assert index.match(query, limit=None, min_score=floor) == expected, (query, floor)
        with_matches += any(m.score >= 0.65 for m in everything)
    assert with_matches == len(queries) - 2  # all but the bare "Luc" and "Yen"


def test_score_exactly_at_min_score_is_kept() -> None:
    # One substitution in 9 letters scores 0.9 * 8/9 == 0.8, a float boundary for the filter.
    assert match("Hưug Giang", ["Xã Hưng Giang"], min_score=0.8) == [Match(0, "Xã Hưng Giang", 0.8, "fuzzy")]


@pytest.mark.parametrize(
    ("query", "expected"),
    [("Tịnh Biên", "Thị xã Tịnh Biên"), ("tinh bien", "Thị xã Tịnh Biên"), ("Biên", "Phường Biên")],
)
def test_prefix_lookalike_is_also_read_as_part_of_the_name(query: str, expected: str) -> None:
    # "Tịnh" folds like "Tỉnh" (province), so the query is read both with and without a type.
    assert normalize_query(query)[0] in {"Tỉnh", ""}
    found = best(query, ["Thị xã Tịnh Biên", "Phường Biên", "Xã Biên Sơn"])
    assert found is not None and found.name == expected
