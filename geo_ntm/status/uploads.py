"""Spreadsheet imports in two steps: a dry run that keeps the file and its report, then a confirm.

:func:`check_upload` runs :func:`~.importer.import_file` with ``dry_run=True`` on the uploaded
bytes and keeps them, with the report and the store's data version, as an upload.
:func:`apply_upload` imports that same file, all or nothing, only while the data version is
the one the dry run saw: the check happens inside the import's own transaction, so nothing
written meanwhile (by the API or the command line) can slip between the report the user
accepted and the records written. A changed version is a :class:`~geo_ntm.errors.ConflictError`
("run the dry run again").
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from geo_ntm.boundaries.atlas import Atlas
from geo_ntm.errors import ConflictError, GeoNtmError, InvalidParameterError, NotFoundError

from .store import SqliteStore, Writer

_SAFE = re.compile(r"[^0-9A-Za-z._-]+")
_COLUMNS = ("id, created_at, created_by, filename, size, sha256, options, data_version, report, ready, state, "
            "finished_at, finished_by, result")  # fmt: skip


@dataclass(frozen=True)
class Upload:
    """An uploaded spreadsheet, its dry-run report, and what became of it."""

    id: str
    created_at: str
    created_by: str
    filename: str
    size: int
    sha256: str
    options: dict
    data_version: int
    report: dict
    ready: bool
    state: str
    finished_at: str | None = None
    finished_by: str | None = None
    result: dict | None = None

    def as_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _upload(row) -> Upload:
    return Upload(
        row["id"], row["created_at"], row["created_by"], row["filename"], row["size"], row["sha256"],
        json.loads(row["options"]), row["data_version"], json.loads(row["report"]), bool(row["ready"]),
        row["state"], row["finished_at"], row["finished_by"], json.loads(row["result"]) if row["result"] else None,
    )  # fmt: skip


class PinnedStore:
    """A store whose writes happen only at data version ``version``, tagged with a request id.

    ``on_write(writer)`` runs first in each write transaction (to record the request's context).
    """

    def __init__(self, store: SqliteStore, version: int, request_id: str | None, on_write: Callable | None = None):
        self._store, self._version, self._request_id, self._on_write = store, version, request_id, on_write

    def __getattr__(self, name):
        return getattr(self._store, name)

    @contextmanager
    def write(self, actor: str, request_id: str | None = None) -> Iterator[Writer]:
        with self._store.write(actor, self._request_id or request_id) as w:
            now = w.data_version()
            if now != self._version:
                raise ConflictError(
                    f"the data changed since the dry run (version {self._version}, now {now}); "
                    "run the dry run again (POST /api/imports) and confirm the new one"
                )
            if self._on_write is not None:
                self._on_write(w)
            yield w


@contextmanager
def _as_file(content: bytes, filename: str) -> Iterator[Path]:
    """The bytes as a file named like the upload; paths in errors are cut back to that name."""
    with tempfile.TemporaryDirectory(prefix="geo-ntm-upload-") as tmp:
        path = Path(tmp) / filename
        path.write_bytes(content)
        try:
            yield path
        except GeoNtmError as exc:
            exc.args = (str(exc).replace(str(path), filename).replace(tmp, "…"),)
            raise


def safe_filename(name: str | None) -> str:
    """The last part of a client's file name, reduced to safe characters (default ``upload``)."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    return _SAFE.sub("_", base).strip("._")[:100] or "upload"


def _report(report, filename: str) -> dict:
    out = report.as_dict()
    out["path"] = filename
    return out


def check_upload(
    store: SqliteStore, atlas: Atlas, content: bytes, filename: str, options: dict, *, actor: str,
    request_id: str | None = None, on_write: Callable | None = None,
) -> Upload:  # fmt: skip
    """Dry-run ``content`` and keep it with its report (``options``: import_file's keyword arguments)."""
    from .importer import import_file

    filename = safe_filename(filename)
    version = store.data_version()
    with _as_file(content, filename) as path:
        report = import_file(path, store, atlas, actor=actor, dry_run=True, **options)
    ready = report.ok and report.would_write > 0
    upload_id = secrets.token_urlsafe(12)
    digest = hashlib.sha256(content).hexdigest()
    with store.write(actor, request_id) as w:
        if on_write is not None:
            on_write(w)
        w.conn.execute(
            "INSERT INTO uploads (id, created_at, created_by, request_id, filename, size, sha256, options, "
            "data_version, report, ready, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'checked')",
            (upload_id, _now().isoformat(), actor, w.request_id, filename, len(content), digest,
             json.dumps(options, ensure_ascii=False), version, json.dumps(_report(report, filename), ensure_ascii=False,
             default=str), int(ready)),
        )  # fmt: skip
        w.conn.execute("INSERT INTO upload_contents (upload_id, content) VALUES (?, ?)", (upload_id, content))
        w.record_change("stage", "uploads", upload_id, {"filename": filename, "size": len(content), "sha256": digest,
                                                        "ready": ready, "data_version": version})  # fmt: skip
    return get_upload(store, upload_id)


def get_upload(store: SqliteStore, upload_id: str) -> Upload:
    rows = store.rows(f"SELECT {_COLUMNS} FROM uploads WHERE id = ?", (upload_id,))
    if not rows:
        raise NotFoundError(f"no upload {upload_id!r}; POST the file to /api/imports first")
    return _upload(rows[0])


def list_uploads(store: SqliteStore, limit: int = 50) -> list[Upload]:
    rows = store.rows(f"SELECT {_COLUMNS} FROM uploads ORDER BY created_at DESC LIMIT ?", (limit,))
    return [_upload(r) for r in rows]


def _finish(store: SqliteStore, upload: Upload, state: str, result: dict, actor: str, request_id: str | None) -> None:
    with store.write(actor, request_id) as w:
        w.conn.execute(
            "UPDATE uploads SET state = ?, finished_at = ?, finished_by = ?, finished_request_id = ?, result = ? "
            "WHERE id = ?",
            (state, _now().isoformat(), actor, w.request_id, json.dumps(result, ensure_ascii=False, default=str),
             upload.id),
        )  # fmt: skip


def apply_upload(
    store: SqliteStore, atlas: Atlas, upload_id: str, *, actor: str, request_id: str | None = None,
    ttl: timedelta = timedelta(hours=24), on_write: Callable | None = None,
) -> Upload:  # fmt: skip
    """Import a checked upload, all or nothing, if the data has not changed since its dry run.

    Raises
    ------
    NotFoundError
        No such upload.
    InvalidParameterError
        Its dry run found problems (nothing to confirm).
    ConflictError
        It was applied already, is being applied, is too old, or the data changed since its dry run.
    """
    from .importer import import_file

    upload = get_upload(store, upload_id)
    if not upload.ready:
        raise InvalidParameterError(
            f"upload {upload_id} cannot be confirmed: its dry run found problems or nothing to write; "
            "correct the file and upload it again"
        )
    with store.write(actor, request_id) as w:  # claim it, so two confirmations cannot both import
        row = w.conn.execute("SELECT state, created_at, finished_at FROM uploads WHERE id = ?", (upload_id,)).fetchone()
        if row["state"] != "checked":
            what = {"applied": f"was applied at {row['finished_at']}", "failed": "failed; upload the file again"}
            raise ConflictError(f"upload {upload_id} {what.get(row['state'], 'is being applied (or was interrupted)')}")
        if _now() - datetime.fromisoformat(row["created_at"]) > ttl:
            raise ConflictError(f"the dry run of upload {upload_id} is older than {ttl}; run it again")
        if w.data_version() != upload.data_version:
            raise ConflictError(
                f"the data changed since the dry run (version {upload.data_version}, now {w.data_version()}); "
                "run the dry run again (POST /api/imports) and confirm the new one"
            )
        w.conn.execute("UPDATE uploads SET state = 'applying' WHERE id = ?", (upload_id,))
    pinned = PinnedStore(store, upload.data_version, request_id, on_write)
    try:
        with _as_file(_content(store, upload_id), upload.filename) as path:
            report = import_file(path, pinned, atlas, actor=actor, dry_run=False, **upload.options)
    except BaseException as exc:
        _finish(store, upload, "failed", {"problem": str(exc) if isinstance(exc, GeoNtmError) else "error"},
                actor, request_id)  # fmt: skip
        raise
    result = _report(report, upload.filename)
    if not report.ok or not report.written:
        _finish(store, upload, "failed", result, actor, request_id)
        problems = "; ".join(e["problem"] for e in report.errors) or "nothing was written"
        raise ConflictError(f"upload {upload_id} was not imported: {problems}")
    _finish(store, upload, "applied", result, actor, request_id)
    return get_upload(store, upload_id)


def _content(store: SqliteStore, upload_id: str) -> bytes:
    return store.rows("SELECT content FROM upload_contents WHERE upload_id = ?", (upload_id,))[0]["content"]
