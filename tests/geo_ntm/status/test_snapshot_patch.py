"""A data version's status frames patched from the version before equal frames built whole.

After a write the service keeps the previous version's frames and redoes only the rows of the
units whose records changed (and of the units formed from them). Each case writes something,
then compares the patched frame with one built from scratch, on dates around the reform.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from geo_ntm.status.demo import load_demo
from geo_ntm.status.derive import URBAN
from geo_ntm.status.model import ReviewStep, Revocation, VillageCount
from geo_ntm.status.service import StatusService
from geo_ntm.status.store import SqliteStore

from .conftest import decision

KEYS = [("commune", date(2025, 6, 30), None), ("commune", date(2026, 11, 30), None),
        ("commune", None, 2023), ("district", date(2024, 1, 1), None)]  # fmt: skip


@pytest.fixture()
def service(atlas, tmp_path):
    store = SqliteStore(tmp_path / "s.sqlite")
    load_demo(store)
    return StatusService(atlas, store)


def frames(snap) -> list[pd.DataFrame]:
    return [snap.status_frame(level, day=day, year=year) for level, day, year in KEYS]


def whole(service) -> list[pd.DataFrame]:
    """The same version built from scratch (a service that never saw the version before)."""
    return frames(StatusService(service.atlas, service.store).snapshot())


def formed(service) -> tuple[str, str]:
    book = service.snapshot().book
    units = service.atlas.units_on(date(2025, 7, 1), "commune")
    for uid, code in zip(units["uid"], units["code"], strict=True):
        origin = book.origin.get(book.root[uid])
        awaiting = book.status_of(uid, date(2026, 11, 30)).constituents  # it shows its constituents' past
        if origin is not None and origin["kind"] == "merge" and origin["date"] == "2025-07-01" and awaiting:
            rural = [
                p for p in origin["predecessors"].split(";") if p and service.atlas.units.loc[p, "type"] not in URBAN
            ]
            if rural:
                return code, service.atlas.units.loc[rural[0], "code"]
    raise AssertionError("no merged commune in the region")


def write(service, action) -> None:
    before = frames(service.snapshot())  # the version before, with its frames built
    with service.store.write("test") as w:
        action(w)
    snap = service.snapshot()
    assert snap.version != before and snap.changed_chains() is not None
    for patched, built in zip(frames(snap), whole(service), strict=True):
        pd.testing.assert_frame_equal(patched, built)


def test_a_new_decision_on_a_commune_that_was_merged_later(service):
    new, old = formed(service)
    write(service, lambda w: w.add_decision(decision(old, "kieu_mau", "2024-12-01", no="T-1/QĐ-UBND")))
    row = service.snapshot().status_frame("commune", day=date(2025, 6, 30)).set_index("code").loc[old]
    assert (row["status"], row["decision_no"]) == ("kieu_mau", "T-1/QĐ-UBND")
    today = service.snapshot().status_frame("commune", day=date(2026, 11, 30)).set_index("code").loc[new]
    assert any(c["decision_no"] == "T-1/QĐ-UBND" for c in today["constituents"])  # the merged unit shows it


def test_a_revocation_and_a_review_step(service):
    new, old = formed(service)
    write(
        service,
        lambda w: w.add_revocation(Revocation("commune", old, old, "dat_chuan", date(2025, 3, 1), "illustrative")),
    )
    write(service, lambda w: w.add_review(ReviewStep(new, new, "self_assessed", date(2025, 9, 1), "illustrative")))


def test_a_change_that_can_reach_every_row_rebuilds_whole(service):
    frames(service.snapshot())
    with service.store.write("test") as w:
        w.add_village_count(VillageCount("07243", "Xã Đồng Tiến", date(2023, 1, 1), 5, 1, 0, "illustrative"))
    snap = service.snapshot()
    assert snap.changed_chains() is None
    for patched, built in zip(frames(snap), whole(service), strict=True):
        pd.testing.assert_frame_equal(patched, built)


def test_rows_that_do_not_line_up_are_built_whole(service, monkeypatch):
    """If the redone rows are not exactly the stale ones, the frame is built whole rather than patched wrong."""
    from geo_ntm.status import layer

    whole_frame = layer.status_frame

    def one_row_short(*args, only=None, **kwargs):
        frame = whole_frame(*args, only=only, **kwargs)
        return frame.iloc[1:] if only is not None else frame

    new, old = formed(service)
    monkeypatch.setattr(layer, "status_frame", one_row_short)
    write(service, lambda w: w.add_decision(decision(old, "kieu_mau", "2024-12-01", no="T-2/QĐ-UBND")))
