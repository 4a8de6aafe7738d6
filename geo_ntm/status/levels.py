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
cho_ra_soat     chờ rà soát (đơn vị hình thành sau sắp xếp)  awaiting review (merged unit)
khong_ap_dung   không thuộc diện (phường, thị trấn)          not applicable (ward, town)
khong_du_lieu   chưa có dữ liệu                              no data (no record for the area)
==============  ===========================================  ===============================

``hoan_thanh`` is the first level for a town or city (thị xã, thành phố) and for a province;
it ranks with ``dat_chuan``. Levels nest: ``nang_cao`` requires ``dat_chuan``; ``kieu_mau``
requires ``nang_cao``.
"""

from __future__ import annotations

RANK = {"chua_dat": 0, "dat_chuan": 1, "hoan_thanh": 1, "nang_cao": 2, "kieu_mau": 3}
ACHIEVED = ("dat_chuan", "hoan_thanh", "nang_cao", "kieu_mau")
STATUSES = (
    "chua_dat",
    "dat_chuan",
    "hoan_thanh",
    "nang_cao",
    "kieu_mau",
    "cho_ra_soat",
    "khong_ap_dung",
    "khong_du_lieu",
)

#: Levels a decision can grant, per unit level.
GRANTABLE = {
    "commune": ("dat_chuan", "nang_cao", "kieu_mau"),
    "village": ("dat_chuan", "kieu_mau"),
    "district": ("dat_chuan", "hoan_thanh", "nang_cao", "kieu_mau"),
    "province": ("hoan_thanh",),
}

LABELS = {
    "vi": {
        "chua_dat": "Chưa đạt chuẩn",
        "dat_chuan": "Đạt chuẩn NTM",
        "hoan_thanh": "Hoàn thành nhiệm vụ xây dựng NTM",
        "nang_cao": "NTM nâng cao",
        "kieu_mau": "NTM kiểu mẫu",
        "cho_ra_soat": "Chờ rà soát (sau sắp xếp)",
        "khong_ap_dung": "Không thuộc diện (phường, thị trấn)",
        "khong_du_lieu": "Chưa có dữ liệu",
    },
    "en": {
        "chua_dat": "Not yet NTM",
        "dat_chuan": "NTM standard",
        "hoan_thanh": "Completed the NTM mission",
        "nang_cao": "Advanced NTM",
        "kieu_mau": "Model NTM",
        "cho_ra_soat": "Awaiting review (merged unit)",
        "khong_ap_dung": "Not applicable (ward, town)",
        "khong_du_lieu": "No data",
    },
}


def rank(level: str) -> int:
    """Order of a level (0 = not yet); unknown keys raise KeyError."""
    return RANK[level]


def label(status: str, lang: str = "vi") -> str:
    return LABELS["en" if lang == "en" else "vi"][status]
