"""Child process that reads a PDF's text with pypdf: ``python -m geo_ntm.documents.pdftext PAGES MEMORY CPU``.

The PDF arrives on standard input; one JSON object a line goes to standard output:
``{"pages": n}``, then ``{"page": i, "text": ...}`` for each page, then ``{"done": true}`` or
``{"error": "encrypted" | "too_many_pages" | "malformed", ...}``. The process limits its own
memory (address space) and CPU time first, so a hostile file that makes the parser swell or
loop ends here, not in the service (:func:`geo_ntm.documents.reading.read_document` also
kills it at a wall-clock deadline).
"""

from __future__ import annotations

import io
import json
import sys


def _emit(obj: dict) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def _limit(memory: int, cpu: int) -> None:
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
    except (ImportError, ValueError, OSError):  # not on this platform: the parent's deadline still holds
        pass


def extract(data: bytes, max_pages: int) -> None:
    """Emit the pages of the PDF ``data`` (see the module docstring)."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            _emit({"error": "encrypted"})
            return
        pages = len(reader.pages)
        _emit({"pages": pages})
        if pages > max_pages:
            _emit({"error": "too_many_pages", "pages": pages})
            return
        for i, page in enumerate(reader.pages, 1):
            _emit({"page": i, "text": page.extract_text() or ""})
    # pypdf fails on hostile input in many ways; whatever it raises means "unreadable PDF".
    except Exception as exc:  # noqa: BLE001
        _emit({"error": "encrypted" if "decrypt" in str(exc).lower() else "malformed", "detail": type(exc).__name__})
        return
    _emit({"done": True})


def main(argv: list[str]) -> int:
    max_pages, memory, cpu = (int(a) for a in argv[:3])
    _limit(memory, cpu)
    extract(sys.stdin.buffer.read(), max_pages)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
