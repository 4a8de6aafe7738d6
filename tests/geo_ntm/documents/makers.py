"""Documents made in the test: PDFs with a text layer (fpdf2, DejaVu Sans from matplotlib), scans
without one, .docx files (python-docx), and hostile variants of each."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import matplotlib

FONT = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"


def pdf(pages: list[str]) -> bytes:
    """A PDF with one page per string, text embedded (extractable)."""
    from fpdf import FPDF

    doc = FPDF()
    doc.add_font("dv", fname=str(FONT))
    doc.set_font("dv", size=11)
    for text in pages:
        doc.add_page()
        doc.multi_cell(0, 6, text)
    return bytes(doc.output())


def scanned_pdf() -> bytes:
    """A PDF whose only page is an image of text: no text layer."""
    from fpdf import FPDF
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (600, 200), "white")
    ImageDraw.Draw(image).text((20, 80), "UBND TINH BAC GIANG", fill="black")
    doc = FPDF()
    doc.add_page()
    doc.image(image, x=10, y=10, w=150)
    return bytes(doc.output())


def encrypted_pdf(text: str) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf([text]))))
    writer.encrypt(user_password="secret", owner_password="owner")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def docx(paragraphs: list[str], table: list[list[str]] | None = None) -> bytes:
    """A .docx with an optional table first (a letterhead is usually one), then paragraphs."""
    import docx as python_docx

    doc = python_docx.Document()
    if table:
        t = doc.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                t.cell(r, c).text = value
    for p in paragraphs:
        doc.add_paragraph(p)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def zip_bomb_docx(unpacked_mb: int) -> bytes:
    """A real .docx with one extra part of ``unpacked_mb`` MB of zeros (a few hundred KB packed)."""
    base = zipfile.ZipFile(io.BytesIO(docx(["Xã Tân Sơn"])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in base.infolist():
            zf.writestr(info, base.read(info))
        with zf.open("word/media/padding.bin", "w", force_zip64=True) as part:
            chunk = b"\0" * (1 << 20)
            for _ in range(unpacked_mb):
                part.write(chunk)
    return out.getvalue()
