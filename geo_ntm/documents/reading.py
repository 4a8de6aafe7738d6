"""Read a document's text: plain text, Word .docx, or a PDF that has a text layer.

Letters reach the service as whatever the office had: an OCR'd text file, a .docx typed in
Word, a PDF exported from Word (a text layer) or scanned (images only). The kind is read from
the content, not the file name. What cannot be read is refused with one clear message that
says what to give instead: a scan must be OCR'd first, an old .doc saved as .docx.

Hostile files are bounded before any parser sees them: the upload size (as for imports),
the characters of text, the pages of a PDF, and the bytes a .docx really unpacks to (streamed,
so a zip whose headers lie about sizes is caught too). PDFs are parsed in a child process
(:mod:`.pdftext`) with a memory limit and a wall-clock deadline, so a file that makes the
parser loop or swell is killed and refused without touching the service.

Text is kept as text: NFC, ``\\n`` line ends, control and invisible direction characters
removed (they could make a line read differently from what it holds). Nothing is ever
interpreted as markup; pages render it with ``textContent``.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import subprocess
import sys
import threading
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from geo_ntm.errors import SourceError, TooLargeError
from geo_ntm.textfiles import decode_text

#: Largest upload read (the API passes its own limit, the one imports use).
MAX_BYTES = 20 * 1024 * 1024
#: Most characters of text kept from one document (about 600 pages of a letter).
MAX_CHARS = 2_000_000
#: Most pages read from a PDF.
MAX_PAGES = 1000
#: A .docx may unpack to at most this many bytes (counted while unpacking, not from its headers).
MAX_UNZIPPED = 60 * 1024 * 1024
MAX_ZIP_MEMBERS = 2000
#: A PDF's child process is killed after this many seconds, and may use this much memory.
PDF_TIMEOUT = 120.0
PDF_MEMORY = 1024 * 1024 * 1024
#: Fewer letters than this in a whole PDF means it has no usable text layer (a scan).
MIN_LETTERS = 20

#: ``progress(done, total)``: pages read so far of a PDF (a text or .docx reports (1, 1)).
Progress = Callable[[int, int], None]

_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad]")
_CONTROLS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
_PAGE_BREAK = "\f"


@dataclass(frozen=True)
class Document:
    """A document's text and where it came from.

    Attributes
    ----------
    filename : str
        The name the user gave (reduced to safe characters).
    kind : str
        ``"text"``, ``"docx"`` or ``"pdf"``.
    text : str
        NFC text, lines separated by ``\\n``.
    size, sha256 :
        Of the uploaded bytes.
    page_lines : tuple of int
        For a PDF, the 1-based line where each page begins; empty otherwise.
    encoding : str or None
        How a text file was decoded.
    notes : tuple of dict
        Things the reader should know (``{"code": ..., **params}``), e.g. PDF pages with no text.
    """

    filename: str
    kind: str
    text: str
    size: int
    sha256: str
    page_lines: tuple[int, ...] = ()
    encoding: str | None = None
    notes: tuple[dict, ...] = field(default_factory=tuple)


def read_document(
    content: bytes,
    filename: str,
    *,
    max_bytes: int = MAX_BYTES,
    max_chars: int = MAX_CHARS,
    max_pages: int = MAX_PAGES,
    timeout: float = PDF_TIMEOUT,
    progress: Progress | None = None,
) -> Document:
    """Read the text of a document given as bytes.

    Parameters
    ----------
    content : bytes
        The uploaded file.
    filename : str
        Its name as the user gave it (used in messages only; the kind comes from the content).
    max_bytes, max_chars, max_pages : int
        Larger files are refused with :class:`~geo_ntm.errors.TooLargeError`.
    timeout : float
        Seconds a PDF may take to read.
    progress : callable, optional
        Called as pages are read.

    Raises
    ------
    SourceError
        Not a document we can read (the message says what to give instead), or a PDF without text.
    TooLargeError
        Over one of the limits.
    """
    shown = filename or "document"
    if not content:
        raise SourceError(shown, "the file is empty")
    if len(content) > max_bytes:
        raise TooLargeError(
            f"{shown}: the file is {len(content) / 1048576:.1f} MB, more than the limit of "
            f"{max_bytes / 1048576:.1f} MB; split it"
        )
    head = content[:1024]
    notes: list[dict] = []
    pages: tuple[int, ...] = ()
    encoding = None
    if b"%PDF-" in head:
        kind = "pdf"
        texts = _read_pdf(content, shown, max_pages, max_chars, timeout, progress)
        text, pages = _join_pages(texts)
        empty = [i for i, t in enumerate(texts, 1) if _letters(t) == 0]
        if _letters(text) < MIN_LETTERS:
            raise SourceError(
                shown,
                "this PDF has no text layer (it looks like a scan): run OCR on it first (for example "
                "ocrmypdf, or the scanner's OCR), then upload the OCR'd PDF or its text",
            )
        if empty:
            notes.append({"code": "pages_without_text", "pages": empty[:50], "count": len(empty)})
    else:
        refused = _refusal(head)
        if refused:
            raise SourceError(shown, refused)
        if content.startswith(b"PK\x03\x04"):
            kind, text = "docx", _read_docx(content, shown)
        else:
            kind = "text"
            text, encoding = decode_text(
                content, shown, not_text="this is not a text document: it holds binary data; give a .txt, .docx or PDF"
            )
        if progress is not None:
            progress(1, 1)
    text = clean_text(text)
    if len(text) > max_chars:
        raise TooLargeError(f"{shown}: the text is {len(text)} characters long, more than {max_chars}; split it")
    if not text.strip():
        raise SourceError(shown, "the document holds no text")
    digest = hashlib.sha256(content).hexdigest()
    return Document(shown, kind, text, len(content), digest, pages, encoding, tuple(notes))


def clean_text(text: str) -> str:
    """NFC text with ``\\n`` line ends, no control or invisible direction characters, no trailing spaces."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = _INVISIBLE.sub("", text.replace("\t", "    ").replace(_PAGE_BREAK, "\n"))
    text = _CONTROLS.sub("", text)
    return "\n".join(line.rstrip() for line in text.split("\n")).strip("\n")


def _letters(text: str) -> int:
    return sum(ch.isalpha() for ch in text)


_REFUSALS = (
    (b"\xd0\xcf\x11\xe0", "this is an old Word .doc (or another old Office) file; save it as .docx or PDF"),
    (b"{\\rtf", "this is an RTF file; save it as .docx, PDF or plain text (UTF-8)"),
    (b"\x89PNG", "this is an image (a scan?): run OCR on it first and upload the text, or a PDF with a text layer"),
    (
        b"\xff\xd8\xff",
        "this is an image (a scan?): run OCR on it first and upload the text, or a PDF with a text layer",
    ),
    (b"II*\x00", "this is a TIFF image (a scan?): run OCR on it first and upload the text, or a PDF with text"),
    (b"MM\x00*", "this is a TIFF image (a scan?): run OCR on it first and upload the text, or a PDF with text"),
    (b"\x1f\x8b", "this is a compressed (gzip) file; unpack it and upload the document inside"),
)


def _refusal(head: bytes) -> str | None:
    for magic, message in _REFUSALS:
        if head.startswith(magic):
            return message
    return None


# -- .docx -------------------------------------------------------------------------------------
def _check_zip(content: bytes, shown: str) -> None:
    """Refuse a zip that is not a .docx, or that unpacks to too much (counted while unpacking)."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as zf:
            infos = zf.infolist()
            names = {i.filename for i in infos}
            if "xl/workbook.xml" in names:
                raise SourceError(
                    shown,
                    "this is a spreadsheet (.xlsx): import it at /api/imports, or give the letter as .docx or PDF",
                )
            if "mimetype" in names or "content.xml" in names:
                raise SourceError(shown, "this is an OpenDocument file; save it as .docx or PDF")
            if "word/document.xml" not in names:
                raise SourceError(shown, "this zip file is not a Word .docx document; give a .docx, PDF or text")
            if len(infos) > MAX_ZIP_MEMBERS:
                raise TooLargeError(f"{shown}: the .docx holds {len(infos)} parts, more than {MAX_ZIP_MEMBERS}")
            total = 0
            for info in infos:
                with zf.open(info) as part:
                    while chunk := part.read(1 << 16):
                        total += len(chunk)
                        if total > MAX_UNZIPPED:
                            raise TooLargeError(
                                f"{shown}: the .docx unpacks to more than {MAX_UNZIPPED // 1048576} MB "
                                "(a zip bomb, or a document full of images); give its text or a PDF"
                            )
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError, ValueError) as exc:
        raise SourceError(shown, f"a damaged .docx (zip: {exc.__class__.__name__}); save it again from Word") from None


def _read_docx(content: bytes, shown: str) -> str:
    """Paragraphs and table cells in body order, one paragraph a line."""
    _check_zip(content, shown)
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        doc = docx.Document(io.BytesIO(content))
        lines: list[str] = []
        for child in doc.element.body.iterchildren():
            tag = child.tag.rsplit("}", 1)[-1]
            if tag == "p":
                lines.append(Paragraph(child, doc).text)
            elif tag == "tbl":
                lines.extend(_table_lines(Table(child, doc)))
    # python-docx and lxml fail on hostile input in many ways (bad XML, missing parts, odd
    # relationships); none of our own code runs inside, so any failure means "unreadable".
    except Exception as exc:  # noqa: BLE001
        raise SourceError(shown, f"not a readable .docx ({exc.__class__.__name__}); save it again from Word") from None
    return "\n".join(lines)


def _table_lines(table) -> list[str]:
    """A table's text, row by row, each cell once (merged cells repeat in python-docx)."""
    lines = []
    for row in table.rows:
        seen: set[int] = set()
        for cell in row.cells:
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            lines.extend(p.text for p in cell.paragraphs)
    return lines


# -- PDF -------------------------------------------------------------------------------------
def _join_pages(texts: list[str]) -> tuple[str, tuple[int, ...]]:
    starts, lines = [], 0
    parts = []
    for t in texts:
        t = clean_text(t)
        starts.append(lines + 1)
        parts.append(t)
        lines += t.count("\n") + 1
    return "\n".join(parts), tuple(starts)


def _read_pdf(
    content: bytes, shown: str, max_pages: int, max_chars: int, timeout: float, progress: Progress | None
) -> list[str]:
    """The text of each page, read by :mod:`.pdftext` in a child process with limits."""
    root = str(Path(__file__).resolve().parents[2])
    env = {**os.environ, "PYTHONPATH": root + os.pathsep + os.environ.get("PYTHONPATH", "")}
    cmd = [sys.executable, "-m", "geo_ntm.documents.pdftext", str(max_pages), str(PDF_MEMORY), str(int(timeout) + 1)]
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    fired = threading.Event()

    def kill() -> None:
        fired.set()
        proc.kill()

    timer = threading.Timer(timeout, kill)
    timer.start()
    texts: list[str] = []
    total, chars, outcome = 0, 0, None
    try:
        try:
            proc.stdin.write(content)
            proc.stdin.close()
        except BrokenPipeError:
            pass
        for raw in proc.stdout:
            msg = json.loads(raw)
            if "error" in msg or "done" in msg:
                outcome = msg
                break
            if "pages" in msg:
                total = int(msg["pages"])
            elif "text" in msg:
                texts.append(msg["text"])
                chars += len(msg["text"])
                if chars > max_chars:
                    outcome = {"error": "too_much_text"}
                    break
                if progress is not None:
                    progress(len(texts), total)
    finally:
        timer.cancel()
        proc.kill()
        proc.wait()
        proc.stdout.close()
    if outcome is None or fired.is_set():
        outcome = {"error": "timeout" if fired.is_set() else "crashed"}
    if outcome.get("done"):
        return texts
    raise _pdf_error(outcome, shown, max_pages, max_chars, timeout)


def _pdf_error(outcome: dict, shown: str, max_pages: int, max_chars: int, timeout: float) -> Exception:
    error = outcome.get("error")
    if error == "encrypted":
        return SourceError(
            shown, "this PDF is password-protected; remove the password (print it to PDF) and upload again"
        )
    if error == "too_many_pages":
        return TooLargeError(f"{shown}: the PDF has {outcome.get('pages')} pages, more than {max_pages}; split it")
    if error == "too_much_text":
        return TooLargeError(f"{shown}: the PDF holds more than {max_chars} characters of text; split it")
    if error == "timeout":
        return SourceError(shown, f"reading this PDF took longer than {timeout:.0f} s; it may be damaged. Print it "
                                  "to a new PDF, or upload its text")  # fmt: skip
    if error == "malformed":
        what = outcome.get("detail") or "error"
        return SourceError(shown, f"not a readable PDF ({what}); save or print it to a new PDF, or upload its text")
    return SourceError(shown, "reading this PDF failed (it may be damaged or too complex); print it to a new PDF "
                              "or upload its text")  # fmt: skip
