"""Reading documents: text in its encodings, .docx, PDF with text; refusals that say what to give instead."""

from __future__ import annotations

import io
import zipfile

import pytest

from geo_ntm.documents.reading import MAX_UNZIPPED, clean_text, read_document
from geo_ntm.errors import SourceError, TooLargeError

from ..status.imports.test_importer import cp1258
from .makers import docx, encrypted_pdf, pdf, scanned_pdf, zip_bomb_docx

LETTER = "ỦY BAN NHÂN DÂN\nTỈNH BẮC GIANG\nSố: 12/UBND-NN\nHuyện Sơn Động đạt chuẩn nông thôn mới."


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1258"])
def test_text_in_the_encodings_offices_use(encoding):
    content = cp1258(LETTER) if encoding == "cp1258" else LETTER.encode(encoding)
    doc = read_document(content, "cv.txt")
    assert doc.kind == "text" and doc.text == LETTER


def test_a_docx_reads_its_table_and_paragraphs_in_order():
    content = docx(["Số: 12/UBND-NN", "Huyện Sơn Động đạt chuẩn nông thôn mới."],
                   table=[["ỦY BAN NHÂN DÂN TỈNH BẮC GIANG", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"]])  # fmt: skip
    doc = read_document(content, "cv.docx")
    assert doc.kind == "docx"
    assert doc.text.split("\n") == ["ỦY BAN NHÂN DÂN TỈNH BẮC GIANG", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                                    "Số: 12/UBND-NN", "Huyện Sơn Động đạt chuẩn nông thôn mới."]  # fmt: skip


def test_a_pdf_with_text_reports_its_pages():
    seen = []
    doc = read_document(pdf(["Trang một: huyện Lục Nam", "Trang hai: huyện Tân Yên"]), "kh.pdf",
                        progress=lambda done, total: seen.append((done, total)))  # fmt: skip
    assert doc.kind == "pdf" and "huyện Lục Nam" in doc.text and "huyện Tân Yên" in doc.text
    assert seen == [(1, 2), (2, 2)]
    second = doc.text.split("\n")[doc.page_lines[1] - 1]
    assert second.startswith("Trang hai")


@pytest.mark.parametrize(
    ("content", "error", "words"),
    [
        (b"", SourceError, "empty"),
        (b"%PDF-1.4\n1 0 obj <</Type /Catalog>> trailer garbage", SourceError, "not a readable PDF"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, SourceError, "old Word .doc"),
        (b"{\\rtf1\\ansi Huyen Son Dong}", SourceError, "RTF"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 100, SourceError, "run OCR"),
        (b"PK\x03\x04 not a zip at all", SourceError, "damaged .docx"),
        (bytes(range(256)) * 4, SourceError, "binary"),
    ],
)
def test_what_cannot_be_read_is_refused_with_what_to_give_instead(content, error, words):
    with pytest.raises(error, match=words):
        read_document(content, "upload.bin")


def test_a_scan_without_text_is_told_to_ocr_first():
    with pytest.raises(SourceError, match="no text layer.*OCR"):
        read_document(scanned_pdf(), "scan.pdf")


def test_a_password_protected_pdf_says_so():
    with pytest.raises(SourceError, match="password"):
        read_document(encrypted_pdf("Huyện Lục Nam"), "locked.pdf")


def test_a_zip_bomb_docx_is_refused_by_what_it_really_unpacks_to():
    bomb = zip_bomb_docx(MAX_UNZIPPED // (1 << 20) + 8)
    assert len(bomb) < 1 << 20  # under a megabyte on the wire
    with pytest.raises(TooLargeError, match="zip bomb"):
        read_document(bomb, "bomb.docx")


def test_a_zip_that_is_a_spreadsheet_is_sent_to_the_import():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(SourceError, match="/api/imports"):
        read_document(out.getvalue(), "decisions.xlsx")


def test_limits_of_size_and_text():
    with pytest.raises(TooLargeError, match="limit"):
        read_document(b"x" * 2000, "big.txt", max_bytes=1000)
    with pytest.raises(TooLargeError, match="characters"):
        read_document(("xã Tân Sơn\n" * 200).encode(), "long.txt", max_chars=1000)
    with pytest.raises(TooLargeError, match="pages"):
        read_document(pdf(["một", "hai", "ba"]), "long.pdf", max_pages=2)


def test_markup_stays_text_and_invisible_controls_go():
    hostile = "<script>alert(1)</script>\u202eHuyện Lục Nam\u200b\x07 <img src=x onerror=alert(2)>\r\nxã"
    doc = read_document(hostile.encode(), "x.html")
    assert doc.text == "<script>alert(1)</script>Huyện Lục Nam <img src=x onerror=alert(2)>\nxã"
    assert clean_text("a\tb \r\n\fc") == "a    b\n\nc"


def test_a_pdf_that_takes_too_long_is_killed_and_refused():
    with pytest.raises(SourceError, match="took longer"):
        read_document(pdf(["Huyện Lục Nam"]), "slow.pdf", timeout=0.01)
