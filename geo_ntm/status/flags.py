"""Consistency checks that flag, not hide.

Each flag names the unit, the date and the records behind it, in Vietnamese and English:

- ``skipped_level``: advanced without NTM held, or model without advanced;
- ``district_before_communes``: a district recognised while one of its communes was not NTM;
- ``dbkk_and_ntm``: a commune on an especially-difficult (region III) list while NTM;
- ``outside_validity``: a record dated when its unit did not exist;
- ``urban_unit``: a commune-level recognition for a ward or town.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .derive import URBAN, StatusBook
from .levels import RANK
from .model import Decision, DifficultyList, Revocation


@dataclass(frozen=True)
class Flag:
    kind: str
    unit_code: str
    unit_name: str
    date: date
    message_vi: str
    message_en: str
    records: tuple[int | None, ...] = ()

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "unit_code": self.unit_code,
            "unit_name": self.unit_name,
            "date": self.date.isoformat(),
            "message_vi": self.message_vi,
            "message_en": self.message_en,
            "records": list(self.records),
        }


def consistency_flags(book: StatusBook, lists: list[DifficultyList] = ()) -> list[Flag]:
    """Every inconsistency in the records, oldest first."""
    flags = _skipped_levels(book) + _urban(book) + _outside(book)
    flags += _district_before_communes(book) + _dbkk_and_ntm(book, lists)
    return sorted(flags, key=lambda f: (f.date, f.unit_code, f.kind))


def _skipped_levels(book: StatusBook) -> list[Flag]:
    out = []
    needs = {"nang_cao": ("dat_chuan", "hoan_thanh"), "kieu_mau": ("nang_cao",)}
    for items in book.records.values():
        held: set[str] = set()
        for r in items:
            if isinstance(r, Revocation):
                held = {lv for lv in held if RANK[lv] < RANK[r.level]}
                continue
            if r.level in needs and not held & set(needs[r.level]):
                want = "NTM" if r.level == "nang_cao" else "NTM nâng cao"
                want_en = "NTM" if r.level == "nang_cao" else "advanced"
                out.append(
                    Flag(
                        "skipped_level",
                        r.unit_code,
                        r.unit_name,
                        r.signed,
                        f"Công nhận {r.level} ({r.decision_no or 'không số'}) khi chưa đạt {want}",
                        f"Recognised {r.level} ({r.decision_no or 'no number'}) without {want_en} held",
                        (r.id,),
                    )
                )
            held.add(r.level)
    return out


def _urban(book: StatusBook) -> list[Flag]:
    out = []
    for items in book.records.values():
        for r in items:
            if isinstance(r, Decision) and r.unit_level == "commune":
                uid = book.version_at("commune", r.unit_code, r.signed)
                if book.atlas.units.loc[uid, "type"] in URBAN:
                    out.append(
                        Flag(
                            "urban_unit",
                            r.unit_code,
                            r.unit_name,
                            r.signed,
                            "Quyết định công nhận xã NTM cho phường/thị trấn",
                            "Commune NTM recognition for a ward or town",
                            (r.id,),
                        )
                    )
    return out


def _outside(book: StatusBook) -> list[Flag]:
    return [
        Flag(
            "outside_validity",
            r.unit_code,
            r.unit_name,
            r.signed,
            f"Không có đơn vị mã {r.unit_code} ở cấp {r.unit_level} vào ngày {r.signed:%d/%m/%Y}",
            f"No {r.unit_level} with code {r.unit_code} existed on {r.signed}",
            (r.id,),
        )
        for r in book.unplaced
    ]


def _district_before_communes(book: StatusBook) -> list[Flag]:
    out = []
    atlas = book.atlas
    for items in book.records.values():
        for r in items:
            if not (isinstance(r, Decision) and r.unit_level == "district" and RANK.get(r.level, 0) >= 1):
                continue
            communes = atlas.units_on(r.signed, "commune")
            communes = communes[(communes["parent_code"] == r.unit_code) & ~communes["type"].isin(URBAN)]
            behind = [c for c in communes.itertuples() if RANK.get(book.status_of(c.uid, r.signed).status, 0) < 1]
            if behind:
                names = ", ".join(c.name for c in behind[:5]) + (" …" if len(behind) > 5 else "")
                out.append(
                    Flag(
                        "district_before_communes",
                        r.unit_code,
                        r.unit_name,
                        r.signed,
                        f"Huyện được công nhận khi {len(behind)} xã chưa đạt chuẩn: {names}",
                        f"District recognised while {len(behind)} communes were not NTM: {names}",
                        (r.id,),
                    )
                )
    return out


def _dbkk_and_ntm(book: StatusBook, lists) -> list[Flag]:
    out = []
    for dl in lists:
        if dl.kind != "commune":
            continue
        end = dl.valid_to or date.max
        for e in dl.entries:
            days = {dl.valid_from}
            days |= {
                r.signed
                for items in book.records.values()
                for r in items
                if r.unit_code == e.unit_code and dl.valid_from <= r.signed <= end
            }
            for day in sorted(days):
                uid = book.version_at("commune", e.unit_code, day)
                if uid and RANK.get(book.status_of(uid, day).status, 0) >= 1:
                    out.append(
                        Flag(
                            "dbkk_and_ntm",
                            e.unit_code,
                            e.unit_name,
                            day,
                            f"Xã thuộc danh sách ĐBKK ({dl.legal_act}) nhưng đã đạt chuẩn NTM",
                            f"Commune on the especially-difficult list ({dl.legal_act}) is NTM",
                        )
                    )
                    break
    return out
