"""Uploaded documents: kept in their own SQLite file, read and analysed in the background.

A document is read (:mod:`.reading`) and analysed (:mod:`.analysis`) by a small pool of worker
threads, so a 100-page PDF does not hold a request open and its progress (pages read) can be
shown; the PDF parser itself runs in a child process with limits. Each document gets an
unguessable id: whoever holds it can see and review the document, nobody can list them.

The file keeps the text, the analysis and the reviewer's choices (the date context and
corrections of matches), never the uploaded bytes. Checks against the records
(:mod:`.compare`) are recomputed on reading, once per data version, so they follow the records.
Only the newest :data:`KEEP` documents are kept; a document left half-read by a restart is
marked failed at the next start, unless another worker process of the service is reading it
(it holds a :mod:`geo_ntm.locks` lock until done). With many worker processes the file is
shared (SQLite's WAL lets them read and write it together); a document is read by the worker
that received it, and any worker answers for it. Over several machines each has its own file (a
SQLite file must not be shared over a network file system): route the document paths to one
machine. Documents are drafts, not records, and stay out of the PostgreSQL store.
"""

from __future__ import annotations

import json
import logging
import secrets
import sqlite3
import threading
from collections import OrderedDict
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack, closing
from datetime import UTC, date, datetime
from pathlib import Path

from geo_ntm.errors import GeoNtmError, InvalidParameterError, NotFoundError, TooLargeError
from geo_ntm.locks import held, holding
from geo_ntm.status.imports.uploads import safe_filename
from geo_ntm.status.service import StatusService

from .analysis import analyse
from .compare import check
from .reading import MAX_BYTES, read_document

log = logging.getLogger("geo_ntm.documents")

#: Documents kept (the oldest beyond this are deleted when a new one arrives).
KEEP = 500
_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    filename TEXT NOT NULL,
    size INTEGER NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('queued', 'reading', 'analysing', 'done', 'failed')),
    pages_done INTEGER NOT NULL DEFAULT 0,
    pages_total INTEGER NOT NULL DEFAULT 0,
    kind TEXT,
    sha256 TEXT,
    error TEXT,
    error_kind TEXT,
    text TEXT,
    reading TEXT,
    as_of TEXT,
    corrections TEXT NOT NULL DEFAULT '{}',
    analysis TEXT,
    revision INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL
);
"""
_FIELDS = ("id", "created_at", "created_by", "filename", "size", "state", "pages_done", "pages_total", "kind",
           "sha256", "error", "error_kind", "as_of", "revision", "updated_at")  # fmt: skip


class _Stopped(Exception):
    """Raised in a worker when the service closes under it."""


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


class DocumentService:
    """Documents of one service: upload, background reading, review.

    Parameters
    ----------
    path : Path
        The SQLite file (created).
    status : StatusService
        The records the documents are checked against (and its atlas).
    workers : int
        Documents read at once.
    max_bytes : int
        Largest upload.
    """

    def __init__(self, path: Path, status: StatusService, *, workers: int = 2, max_bytes: int = MAX_BYTES):
        self.path, self.status, self.max_bytes = Path(path), status, max_bytes
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="geo-ntm-document")
        self._futures: dict[str, Future] = {}
        self._checks: OrderedDict[tuple, dict] = OrderedDict()
        self._closed = False
        with self._conn() as conn:
            conn.executescript(_SCHEMA)
            unfinished = conn.execute("SELECT id FROM documents WHERE state IN ('queued', 'reading', 'analysing')")
            # Another worker process of the service may be reading some now: those hold their lock.
            stopped = [(r["id"],) for r in unfinished.fetchall() if not held(self._reading_lock(r["id"]))]
            conn.executemany(
                "UPDATE documents SET state = 'failed', error = 'interrupted by a restart of the service; upload "
                "the document again', error_kind = 'interrupted' WHERE id = ?",
                stopped,
            )

    def _reading_lock(self, doc_id: str) -> Path:
        return self.path.with_name(self.path.name + ".reading") / f"{doc_id}.lock"

    def _conn(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=30)
        conn.row_factory = sqlite3.Row
        return conn

    def _update(self, doc_id: str, **values) -> None:
        if self._closed:  # the service is stopping: a document still being read is marked at the next start
            raise _Stopped
        values["updated_at"] = _now()
        sets = ", ".join(f"{k} = ?" for k in values)
        with self._lock, closing(self._conn()) as conn, conn:
            conn.execute(f"UPDATE documents SET {sets} WHERE id = ?", [*values.values(), doc_id])

    def close(self) -> None:
        self._closed = True
        self._pool.shutdown(wait=False, cancel_futures=True)

    # -- upload and reading ------------------------------------------------------------------------
    def submit(self, content: bytes, filename: str | None, actor: str, as_of: date | None = None) -> str:
        """Keep a new document and start reading it; returns its id."""
        if len(content) > self.max_bytes:
            raise TooLargeError(f"the file is larger than the limit of {self.max_bytes / 1048576:.1f} MB")
        if as_of is not None:
            self.status.atlas.check_date(as_of)
        doc_id = secrets.token_urlsafe(16)
        name = safe_filename(filename)
        with self._lock, closing(self._conn()) as conn, conn:
            conn.execute(
                "INSERT INTO documents (id, created_at, created_by, filename, size, state, as_of, updated_at) "
                "VALUES (?, ?, ?, ?, ?, 'queued', ?, ?)",
                (doc_id, _now(), actor, name, len(content), as_of.isoformat() if as_of else None, _now()),
            )
            conn.execute(
                "DELETE FROM documents WHERE id NOT IN (SELECT id FROM documents ORDER BY created_at DESC, rowid DESC "
                "LIMIT ?)",
                (KEEP,),
            )
        lock = ExitStack()  # held from now until it is read (by this process), so no other start fails it
        lock.enter_context(holding(self._reading_lock(doc_id)))
        self._futures[doc_id] = self._pool.submit(self._work, doc_id, content, name, as_of, lock)
        return doc_id

    def wait(self, doc_id: str, timeout: float) -> None:
        """Wait up to ``timeout`` seconds for a document to be read and analysed."""
        future = self._futures.get(doc_id)
        if future is not None:
            try:
                future.result(timeout=timeout)
            except TimeoutError:
                pass

    def _work(self, doc_id: str, content: bytes, name: str, as_of: date | None, lock: ExitStack) -> None:
        try:
            self._update(doc_id, state="reading")

            def progress(done: int, total: int) -> None:
                self._update(doc_id, pages_done=done, pages_total=total)

            doc = read_document(content, name, max_bytes=self.max_bytes, progress=progress)
            reading = {"kind": doc.kind, "encoding": doc.encoding, "page_lines": list(doc.page_lines),
                       "notes": list(doc.notes)}  # fmt: skip
            self._update(doc_id, state="analysing", kind=doc.kind, sha256=doc.sha256, text=doc.text,
                         reading=json.dumps(reading))  # fmt: skip
            result = analyse(doc.text, self.status.atlas, day=as_of)
            self._update(doc_id, state="done", analysis=json.dumps(result, ensure_ascii=False), revision=1)
        except _Stopped:
            pass
        except GeoNtmError as exc:
            self._update(doc_id, state="failed", error=str(exc), error_kind=type(exc).__name__)
        except Exception:  # noqa: BLE001 - a worker must record every failure, and say nothing of internals
            log.exception("reading document %s failed", doc_id)
            self._update(doc_id, state="failed", error="internal error; it has been logged", error_kind="internal")
        finally:
            self._futures.pop(doc_id, None)
            lock.close()

    # -- reading back --------------------------------------------------------------------------------
    def _row(self, doc_id: str) -> sqlite3.Row:
        with closing(self._conn()) as conn:
            row = conn.execute("SELECT * FROM documents WHERE id = ?", (doc_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"no document {doc_id!r}; upload it again (POST /api/documents)")
        return row

    def get(self, doc_id: str, *, text: bool = True, checks: bool = True) -> dict:
        """A document: its state, and when read its text, analysis and checks against the records."""
        row = self._row(doc_id)
        out = {k: row[k] for k in _FIELDS}
        out["corrections"] = json.loads(row["corrections"])
        out["reading"] = json.loads(row["reading"]) if row["reading"] else None
        if row["state"] == "done":
            analysis = json.loads(row["analysis"])
            out["analysis"] = analysis
            if text:
                out["text"] = row["text"]
            if checks:
                out["checks"] = self.checks(doc_id, row["revision"], analysis)
        return out

    def checks(self, doc_id: str, revision: int, analysis: dict) -> dict:
        key = (doc_id, revision, self.status.version())
        with self._lock:
            if key in self._checks:
                self._checks.move_to_end(key)
                return self._checks[key]
        found = check(analysis, self.status)
        with self._lock:
            self._checks[key] = found
            while len(self._checks) > 32:
                self._checks.popitem(last=False)
        return found

    # -- review ----------------------------------------------------------------------------------------
    def review(self, doc_id: str, *, as_of: date | None | str = "keep", corrections: dict | None = None) -> dict:
        """Set the date context (``None``: the document's own) and correct matches; analyse again.

        ``corrections`` maps mention ids to ``{"uid": ...}``, ``{"reject": true}`` or ``None``
        (undo); it is merged into the document's corrections.
        """
        row = self._row(doc_id)
        if row["state"] != "done":
            raise InvalidParameterError(f"document {doc_id} is {row['state']}; review it once it is read")
        merged = json.loads(row["corrections"])
        mentions = {u["id"] for u in json.loads(row["analysis"])["units"]}
        for mention, fix in (corrections or {}).items():
            if mention not in mentions:
                raise InvalidParameterError(f"correction of {mention!r}: no such unit mention in this document")
            uid = fix.get("uid") if isinstance(fix, dict) else None
            if isinstance(uid, str) and uid not in self.status.atlas.units.index:
                raise InvalidParameterError(f"correction of {mention!r}: unknown unit version {uid!r}; "
                                            "pick one from the candidates or /api/search")  # fmt: skip
            if fix is None:
                merged.pop(mention, None)
            elif isinstance(fix, dict) and (fix.get("reject") is True or isinstance(fix.get("uid"), str)):
                merged[mention] = {"reject": True} if fix.get("reject") else {"uid": fix["uid"]}
            else:
                raise InvalidParameterError(
                    f"correction of {mention!r}: give {{'uid': '…'}}, {{'reject': true}} or null"
                )
        day = row["as_of"] if as_of == "keep" else (as_of.isoformat() if as_of else None)
        result = analyse(row["text"], self.status.atlas, day=date.fromisoformat(day) if day else None,
                         corrections=merged)  # fmt: skip
        self._update(doc_id, as_of=day, corrections=json.dumps(merged), analysis=json.dumps(result, ensure_ascii=False),
                     revision=row["revision"] + 1)  # fmt: skip
        return self.get(doc_id)
