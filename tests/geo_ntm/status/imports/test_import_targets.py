"""Plan targets through the import: the same dry run, all or nothing, duplicates refused."""

from __future__ import annotations

import pytest

from geo_ntm.errors import SourceError
from geo_ntm.status.imports.importer import import_file
from geo_ntm.status.store import SqliteStore

HEADER = "id,title_vi,title_en,metric,target,deadline,scope,province_code,source,citation\n"
GOOD = [
    ",,,dbkk_villages_ntm_share,60%,2025,220;219,24,official,Công văn 687/UBND-NN",
    "tan-yen,Tân Yên nâng cao,Tân Yên advanced,districts_nang_cao,1,31/12/2025,216,,official,Công văn 687/UBND-NN",
    ",,,communes_ntm,160,2024-12-31,,24,illustrative,",
]


def run(tmp_path, store, rows, **kwargs):
    path = tmp_path / "targets.csv"
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    return import_file(path, store, kwargs.pop("atlas"), actor="planner", records="targets", **kwargs)


def test_targets_are_checked_then_written_all_at_once(tmp_path, atlas):
    store = SqliteStore(tmp_path / "s.sqlite")
    dry = run(tmp_path, store, GOOD, atlas=atlas, dry_run=True)
    assert dry.ok and dry.would_write == 3 and store.plan_targets() == []
    done = run(tmp_path, store, GOOD, atlas=atlas)
    assert done.ok and len(done.written) == 3
    by_metric = {t.metric: t for t in store.plan_targets()}
    share = by_metric["dbkk_villages_ntm_share"]
    assert share.target == 0.6 and share.scope == ("220", "219") and share.deadline.isoformat() == "2025-12-31"
    assert by_metric["districts_nang_cao"].id == "tan-yen" and by_metric["districts_nang_cao"].province_code == "24"
    again = run(tmp_path, store, GOOD[:1], atlas=atlas, dry_run=True)
    assert not again.ok and "already in the store" in again.errors[0]["problem"]


@pytest.mark.parametrize(
    ("row", "column", "words"),
    [
        (",,,villages_happy,1,2025,,24,illustrative,", "metric", "not a metric"),
        (",,,dbkk_villages_ntm_share,160%,2025,,24,illustrative,", "target", "not a share"),
        (",,,communes_ntm,12.5,2025,,24,illustrative,", "target", "not a count"),
        (",,,communes_ntm,abc,2025,,24,illustrative,", "target", "not a number"),
        (",,,communes_ntm,10,31/02/2025,,24,illustrative,", "deadline", "not a date"),
        (",,,communes_ntm,10,2025,999,24,illustrative,", "scope", "not the code of a district"),
        (",,,communes_ntm,10,2025,258,24,illustrative,", "scope", "belongs to province 27"),
        (",,,communes_ntm,10,2025,,24,official,", "citation", "needs a citation"),
        (",,,communes_ntm,10,2025,,24,maybe,", "source", "not a source"),
    ],
)
def test_a_bad_row_is_named_and_nothing_is_written(tmp_path, atlas, row, column, words):
    store = SqliteStore(tmp_path / "s.sqlite")
    report = run(tmp_path, store, [GOOD[0], row], atlas=atlas)
    assert not report.ok and store.plan_targets() == []
    (error,) = report.errors
    assert error["row"] == 3 and error["column"] == column and words in error["problem"]


def test_two_rows_of_the_same_target_are_a_duplicate(tmp_path, atlas):
    report = run(tmp_path, SqliteStore(tmp_path / "s.sqlite"), [GOOD[2], GOOD[2]], atlas=atlas)
    assert [e["problem"][:9] for e in report.errors] == ["duplicate"]


def test_a_sheet_without_target_columns_says_which_it_needs(tmp_path, atlas):
    path = tmp_path / "t.csv"
    path.write_text("Mã xã,Tên xã\n07621,Vân Sơn\n", encoding="utf-8")
    with pytest.raises(SourceError, match="a targets sheet has the columns"):
        import_file(path, SqliteStore(tmp_path / "s.sqlite"), atlas, actor="t", records="targets")
