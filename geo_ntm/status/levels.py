"""Status levels of the NTM programme, in order, with their labels.

Keys stay Vietnamese, as users say them:

==============  ===========================================  ===============================
key             Vietnamese                                   English
==============  ===========================================  ===============================
chua_dat        chưa đạt chuẩn                               not yet NTM
dat_chuan       đạt chuẩn nông thôn mới                      NTM standard
hoan_thanh      hoàn thành nhiệm vụ xây dựng NTM             completed the NTM mission
nang_cao        nông thôn mới nâng cao                       advanced NTM
kieu_mau        nông thôn mới kiểu mẫu                       model NTM
hien_dai        xã nông thôn mới hiện đại (thí điểm)         modern NTM commune (pilot)
cho_ra_soat     chờ rà soát (đơn vị hình thành sau sắp xếp)  awaiting review (merged unit)
khong_ap_dung   không thuộc diện (phường, thị trấn)          not applicable (ward, town)
khong_du_lieu   chưa có dữ liệu                              no data (no record for the area)
==============  ===========================================  ===============================

``hoan_thanh`` is the first level for a town or city (thị xã, thành phố) and for a province;
it ranks with ``dat_chuan``. Levels nest: ``nang_cao`` requires ``dat_chuan``; ``kieu_mau``
requires ``nang_cao``.

``hien_dai`` is the 2026-2030 pilot of Decision 51/2025/QĐ-TTg (Annex II, "xã NTM hiện đại"),
a commune level above NTM in the new period. Its eligibility rules are not in our sources, so
a decision granting it is recorded with a warning, never refused, when the commune holds no
NTM decision; it is counted on its own, never as "advanced" or "model" (levels of 2021-2025).

A decision's date can be known to the day, the month or the year, or only as a bound:
``by`` (recognised on or before that date, e.g. the first report of it) and ``inferred``
(deduced from another official fact, e.g. a district recognised with all its communes NTM,
and so no later than that fact's date). Before a bound the status is unknown, not "not yet".
"""

from __future__ import annotations

from geo_ntm.i18n import LANGUAGES, section

RANK = {"chua_dat": 0, "dat_chuan": 1, "hoan_thanh": 1, "nang_cao": 2, "kieu_mau": 3, "hien_dai": 2}
ACHIEVED = ("dat_chuan", "hoan_thanh", "nang_cao", "kieu_mau", "hien_dai")
#: The 2021-2025 levels above NTM, counted as "advanced" (a model commune is also advanced).
ADVANCED = ("nang_cao", "kieu_mau")
#: Levels a decision can hold (the store's check).
LEVELS = ("dat_chuan", "hoan_thanh", "nang_cao", "kieu_mau", "hien_dai")
#: How precisely a decision's signing date is known (see the module docstring).
PRECISIONS = ("day", "month", "year", "by", "inferred")
#: Precisions that only bound the date: before it the status is unknown.
BOUNDS = ("by", "inferred")
STATUSES = (
    "chua_dat",
    "dat_chuan",
    "hoan_thanh",
    "nang_cao",
    "kieu_mau",
    "hien_dai",
    "cho_ra_soat",
    "khong_ap_dung",
    "khong_du_lieu",
)

#: Levels a decision can grant, per unit level.
GRANTABLE = {
    "commune": ("dat_chuan", "nang_cao", "kieu_mau", "hien_dai"),
    "village": ("dat_chuan", "kieu_mau"),
    "district": ("dat_chuan", "hoan_thanh", "nang_cao", "kieu_mau"),
    "province": ("hoan_thanh",),
}

#: Status names and date precisions in both languages, from the message catalogues.
LABELS = {lang: section(lang, "status_label") for lang in LANGUAGES}
PRECISION_LABELS = {lang: section(lang, "precision_label") for lang in LANGUAGES}


def rank(level: str) -> int:
    """Order of a level (0 = not yet); unknown keys raise KeyError."""
    return RANK[level]


def label(status: str, lang: str = "vi") -> str:
    return LABELS["en" if lang == "en" else "vi"][status]


def grant_problem(unit_level: str, unit_type: str, unit_name: str, level: str) -> str | None:
    """Why ``level`` cannot be granted to a unit of this level and type (None when it can).

    Wards and towns are outside the commune programme; a huyện reaches ``dat_chuan`` and a
    thị xã or thành phố ``hoan_thanh``. Shared by the importer and the write API.
    """
    if level not in GRANTABLE[unit_level]:
        return (
            f"{level} ({LABELS['en'][level]}) is not granted to a {unit_level}; "
            f"a {unit_level} can get {', '.join(GRANTABLE[unit_level])}"
        )
    kind = unit_type.lower()
    if unit_level in ("commune", "village") and unit_type in ("Phường", "Thị trấn"):
        return f"{unit_name} is a {kind}: wards and towns are not in the NTM programme (không thuộc diện)"
    if unit_level == "district" and unit_type == "Huyện" and level == "hoan_thanh":
        return (
            f"{unit_name} is a huyện, recognised 'đạt chuẩn NTM' (dat_chuan); 'hoàn thành nhiệm vụ' "
            "(hoan_thanh) is for a thị xã or thành phố"
        )
    if unit_level == "district" and unit_type in ("Thị xã", "Thành phố") and level == "dat_chuan":
        return f"{unit_name} is a {kind}, recognised 'hoàn thành nhiệm vụ xây dựng NTM' (hoan_thanh), not dat_chuan"
    return None
