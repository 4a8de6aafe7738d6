"""What official NTM letters write, as phrases to find (diacritics as written; OCR damage is tolerated).

Each phrase has a ``meaning`` the extractor acts on. Keys stay Vietnamese where users say them
(``dat_chuan``, ``nang_cao``, ``kieu_mau``, ``dbkk``), as in :mod:`geo_ntm.status.levels`.
"""

from __future__ import annotations

from .text import Phrase, PhraseFinder

# -- status words: "đạt chuẩn nông thôn mới nâng cao", "hoàn thành nhiệm vụ xây dựng NTM", "xã ĐBKK"
STATUS_ATOMS = [
    Phrase("ntm", ("nông", "thôn", "mới"), "ntm"),
    Phrase("ntm_abbr", ("NTM",), "ntm", abbreviation=True),
    Phrase("dat_chuan", ("đạt", "chuẩn"), "dat_chuan"),
    Phrase("dat", ("đạt",), "dat"),
    Phrase("nang_cao", ("nâng", "cao"), "nang_cao"),
    Phrase("kieu_mau", ("kiểu", "mẫu"), "kieu_mau"),
    Phrase("hoan_thanh", ("hoàn", "thành", "nhiệm", "vụ"), "hoan_thanh"),
    Phrase("chua_dat", ("chưa", "đạt", "chuẩn"), "chua_dat"),
    Phrase("chua_dat_short", ("chưa", "đạt"), "chua_dat"),
    Phrase("dbkk", ("đặc", "biệt", "khó", "khăn"), "dbkk"),
    Phrase("dbkk_abbr", ("ĐBKK",), "dbkk", abbreviation=True),
]
STATUS = PhraseFinder(STATUS_ATOMS)

# -- what a number counts ("09 xã", "119 thôn", "07 đơn vị cấp huyện") or measures ("138 triệu đồng")
COUNTED = [
    Phrase("district_units", ("đơn", "vị", "cấp", "huyện"), "district"),
    Phrase("commune_units", ("đơn", "vị", "cấp", "xã"), "commune"),
    Phrase("units", ("đơn", "vị"), "unit"),
    Phrase("commune", ("xã",), "commune"),
    Phrase("village", ("thôn",), "village"),
    Phrase("district", ("huyện",), "district"),
    Phrase("ward", ("phường",), "ward"),
    Phrase("household", ("hộ",), "household"),
    Phrase("person", ("người",), "person"),
    Phrase("criterion", ("tiêu", "chí"), "criterion"),
    Phrase("million_vnd", ("triệu", "đồng"), "million_vnd"),
    Phrase("billion_vnd", ("tỷ", "đồng"), "billion_vnd"),
    Phrase("hectare", ("ha",), "hectare"),
    Phrase("km", ("km",), "km"),
]
COUNTED_FINDER = PhraseFinder(COUNTED)
#: OCR spellings of the two-letter "xã" seen after numbers ("15 xi đạt chuẩn").
COMMUNE_OCR = {"xa", "x3", "x4", "xi", "xd", "xe", "xo"}

# -- what a measured figure is about, read in the words before it
SUBJECTS = [
    Phrase("poverty_rate", ("tỷ", "lệ", "hộ", "nghèo"), "poverty_rate"),
    Phrase("poverty_rate_short", ("hộ", "nghèo"), "poverty_rate"),
    Phrase("income", ("thu", "nhập", "bình", "quân"), "income_per_capita"),
    Phrase("output_per_ha", ("giá", "trị", "sản", "xuất"), "output_value_per_ha"),
    Phrase("rural", ("khu", "vực", "nông", "thôn"), "rural"),
]
SUBJECT_FINDER = PhraseFinder(SUBJECTS)

# -- cues: new in the period, or cumulative; targets and deadlines
CUES = [
    Phrase("new_them", ("thêm",), "new"),
    Phrase("new_moi", ("mới", "công", "nhận"), "new"),
    Phrase("new_trong_nam", ("trong", "năm"), "new"),
    Phrase("cumulative", ("lũy", "kế"), "cumulative"),
    Phrase("cumulative_luy", ("luỹ", "kế"), "cumulative"),
    Phrase("to_date", ("đến", "nay"), "cumulative"),
    Phrase("total", ("tổng", "số"), "cumulative"),
    Phrase("strive", ("phấn", "đấu"), "target"),
    Phrase("goal", ("mục", "tiêu"), "target"),
    Phrase("quota", ("chỉ", "tiêu"), "target"),
    Phrase("roadmap", ("lộ", "trình"), "target"),
    Phrase("submit", ("trình",), "submit"),
    Phrase("recognise", ("công", "nhận"), "recognise"),
    Phrase("share_of_villages", ("số", "thôn"), "share_of_villages"),
    Phrase("villages_of_communes", ("thôn", "thuộc"), "share_of_villages"),
]
CUE_FINDER = PhraseFinder(CUES)

# Words before a year: "năm 2024", "hết năm 2025", "đến năm 2030", "cuối năm", "giai đoạn 2021-2025".
#: "năm" as OCR reads it when the breve goes wrong ("nim 2024", "ndm").
YEAR_OCR = ("nim", "ndm", "nom")
YEAR_WORDS = [
    Phrase("year", ("năm",), "year"),
    *(Phrase("year", (w,), "year", abbreviation=True) for w in YEAR_OCR),
    Phrase("period", ("giai", "đoạn"), "period"),
]
YEAR_FINDER = PhraseFinder(YEAR_WORDS)
DEADLINE_WORDS = [
    Phrase("by_end", ("đến", "hết"), "by_end"),
    Phrase("to_end", ("để", "hết"), "by_end"),
    Phrase("end", ("hết",), "by_end"),
    Phrase("year_end", ("cuối",), "by_end"),
    Phrase("until", ("đến",), "by"),
    Phrase("in", ("vào",), "in"),
    Phrase("before", ("trước",), "by"),
]
DEADLINE_FINDER = PhraseFinder(DEADLINE_WORDS)

# Words that make a following name an organisation's, not a unit's ("Báo Bắc Giang", "Sở Nội vụ").
ORGANISATIONS = [
    Phrase("newspaper", ("báo",)),
    Phrase("radio", ("đài",)),
    Phrase("department", ("sở",)),
    Phrase("board", ("ban",)),
    Phrase("association", ("hội",)),
    Phrase("company", ("công", "ty")),
    Phrase("school", ("trường",)),
    Phrase("hospital", ("bệnh", "viện")),
    Phrase("bank", ("ngân", "hàng")),
    Phrase("bureau", ("cục",)),
    Phrase("treasury", ("kho", "bạc")),
    Phrase("office", ("văn", "phòng")),
    Phrase("university", ("đại", "học")),
]
ORGANISATION_FINDER = PhraseFinder(ORGANISATIONS)

# After "xã", words that make a common noun, not a unit: "xã hội" (society), "xã viên".
NOT_NAMES = {"hoi", "vien", "giao"}

# A document's own identity: its kind from the number's suffix, its date words, its issuer.
KIND_BY_SUFFIX = {
    "QĐ": "Quyết định", "QD": "Quyết định", "KH": "Kế hoạch", "BC": "Báo cáo", "TB": "Thông báo",
    "NQ": "Nghị quyết", "CT": "Chỉ thị", "TTr": "Tờ trình", "HD": "Hướng dẫn", "HĐ": "Hướng dẫn",
}  # fmt: skip
ISSUER = Phrase("issuer", ("ủy", "ban", "nhân", "dân"))
ISSUER_FINDER = PhraseFinder([ISSUER, Phrase("issuer_short", ("UBND",), abbreviation=True)])
DATE_WORDS = PhraseFinder([Phrase("ngay", ("ngày",)), Phrase("thang", ("tháng",)), Phrase("nam", ("năm",)),
                           *(Phrase("nam", (w,), abbreviation=True) for w in YEAR_OCR)])  # fmt: skip
