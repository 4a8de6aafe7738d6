"""Bytes that should be text: decoded the way Vietnamese offices save them.

Spreadsheets (CSV) and documents (letters as plain text) arrive in UTF-8 (with or without a
BOM), UTF-16 (Excel's and Notepad's "Unicode") or a Windows code page: cp1258 (Vietnamese)
or cp1252. Anything with binary content is refused with the caller's message, so a user who
uploads the wrong file learns what to give instead.
"""

from __future__ import annotations

import unicodedata

from geo_ntm.errors import SourceError


def decode_text(data: bytes, shown: str, *, not_text: str) -> tuple[str, str]:
    """Decode ``data`` to NFC text; return (text, encoding).

    Parameters
    ----------
    data : bytes
        The file's content.
    shown : str
        The file as the user named it (for messages).
    not_text : str
        What to tell the user when the content is binary, e.g. "this is not a spreadsheet:
        it holds binary data; give a .xlsx or CSV file".

    Raises
    ------
    SourceError
        Invalid UTF-16, or binary content.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return unicodedata.normalize("NFC", data.decode("utf-16")), "utf-16"
        except UnicodeDecodeError:
            raise SourceError(shown, "the file starts like UTF-16 text but is not valid UTF-16") from None
    if b"\x00" in data[:4096]:
        raise SourceError(shown, not_text)
    try:
        return unicodedata.normalize("NFC", data.decode("utf-8-sig")), "utf-8"
    except UnicodeDecodeError:
        pass
    text = data.decode("cp1258", errors="replace")
    # cp1258 writes tones as combining marks and has ă, đ, ơ, ư; cp1252 has Ã, Ð, Õ, Ý there.
    vietnamese = sum(unicodedata.category(ch) == "Mn" or ch in "ăĂđĐơƠưƯ" for ch in text)
    encoding = "cp1258" if vietnamese else "cp1252"
    text = data.decode(encoding, errors="replace")
    controls = sum(unicodedata.category(ch) == "Cc" and ch not in "\r\n\t\f" for ch in text[:4096])
    if controls > 8 or (controls and "\ufffd" in text[:4096]):
        raise SourceError(shown, not_text)
    return unicodedata.normalize("NFC", text), encoding
