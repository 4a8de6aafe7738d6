"""Spreadsheet imports in two steps: a dry run that keeps the file and its report, then a confirm.

:func:`check_upload` runs :func:`~.importer.import_file` with ``dry_run=True`` on the uploaded
bytes and keeps them, with the report (at most :data:`REPORT_ITEMS` items per list) and the
store's data version, as an upload. :func:`apply_upload` imports that same file, all or nothing,
only while the data version is the one the dry run saw: the check happens inside the import's
own transaction, so nothing written meanwhile (by the API or the command line) can slip between
the report the user accepted and the records written. A changed version is a
:class:`~geo_ntm.errors.ConflictError` ("run the dry run again").

Who may see and confirm an upload: the editor who made it, and admins (``Viewer``). Another
editor is told there is no such upload among theirs: a dry run can hold a colleague's draft,
and confirming it writes records in their name as much as one's own. The audit trail names both
(``uploaded_by`` and ``confirmed_by`` in the ``claim`` and ``apply`` entries).

A confirmation first *claims* the upload (state ``applying``, naming its request), then imports
in one transaction that also marks it ``applied``, only if the claim is still its own. So a
process killed in between leaves a claim and nothing written: :func:`recover_interrupted` (run
when the service starts) returns such uploads to ``checked`` and says so in the audit trail, and
a later confirmation may take over a claim no live confirmation holds. Whether one does is the
store's :meth:`~.store.StatusStore.claim` lock, held while a confirmation runs and dropped by the
operating system or the database when its process dies: so with many worker processes, one that
starts (and recovers) or confirms never takes over an import another worker is applying.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from geo_ntm.boundaries.atlas import Atlas
from geo_ntm.errors import ConflictError, GeoNtmError, InvalidParameterError, NotFoundError, StoreUnavailableError

from ..store import StatusStore, Writer

_SAFE = re.compile(r"[^0-9A-Za-z._-]+")
_COLUMNS = ("id, created_at, created_by, filename, size, sha256, options, data_version, report, ready, state, "
            "finished_at, finished_by, result, claimed_at, claimed_by")  # fmt: skip
#: Items kept per list of a stored report (errors, warnings ...); ``counts`` keeps the totals.
REPORT_ITEMS = 200


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
    claimed_at: str | None = None
    claimed_by: str | None = None

    def as_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}

    def summary(self) -> dict:
        """Everything but the reports, with their counts (what a list of uploads shows)."""
        out = {k: v for k, v in self.as_dict().items() if k not in ("report", "result", "options")}
        out["rows_read"] = self.report.get("rows_read")
        out["report_counts"] = self.report.get("counts") or {}
        out["written"] = ((self.result or {}).get("counts") or {}).get("written")
        return out


@dataclass(frozen=True)
class Viewer:
    """Who asks about uploads: a token (its id and name), and whether it sees everyone's (an admin)."""

    name: str
    token_id: int | None = None
    sees_all: bool = False


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _upload(row) -> Upload:
    return Upload(
        row["id"], row["created_at"], row["created_by"], row["filename"], row["size"], row["sha256"],
        json.loads(row["options"]), row["data_version"], json.loads(row["report"]), bool(row["ready"]),
        row["state"], row["finished_at"], row["finished_by"], json.loads(row["result"]) if row["result"] else None,
        row["claimed_at"], row["claimed_by"],
    )  # fmt: skip


def _mine(viewer: Viewer | None) -> tuple[str, tuple]:
    """SQL condition (and its arguments) for the uploads ``viewer`` may see."""
    if viewer is None or viewer.sees_all:
        return "1 = 1", ()
    return "(owner_token_id = ? OR (owner_token_id IS NULL AND created_by = ?))", (viewer.token_id, viewer.name)


class PinnedStore:
    """A store whose writes happen only at data version ``version``, for one claimed upload.

    ``on_write(writer)`` runs first in each write transaction (to record the request's context).
    The transaction that writes the records also marks the upload applied, and only while the
    claim is still this request's: the records and the state land together or not at all.
    """

    def __init__(self, store: StatusStore, upload: Upload, request_id: str, actor: str, on_write: Callable | None):
        self._store, self._upload, self._request_id, self._on_write = store, upload, request_id, on_write
        self._actor = actor

    def __getattr__(self, name):
        return getattr(self._store, name)

    @contextmanager
    def write(self, actor: str, request_id: str | None = None) -> Iterator[Writer]:
        upload = self._upload
        with self._store.write(actor, self._request_id) as w:
            now = w.data_version()
            if now != upload.data_version:
                raise ConflictError(
                    f"the data changed since the dry run (version {upload.data_version}, now {now}); "
                    "run the dry run again (POST /api/imports) and confirm the new one"
                )
            if self._on_write is not None:
                self._on_write(w)
            yield w
            done = w.conn.execute(
                "UPDATE uploads SET state = 'applied', finished_at = ?, finished_by = ?, finished_request_id = ? "
                "WHERE id = ? AND state = 'applying' AND claim_request_id = ?",
                (_now().isoformat(), self._actor, self._request_id, upload.id, self._request_id),
            )
            if done.rowcount != 1:
                raise ConflictError(f"the confirmation of upload {upload.id} was taken over by another one "
                                    "(after a restart); this one wrote nothing")  # fmt: skip
            who = {"uploaded_by": upload.created_by, "confirmed_by": self._actor}
            w.record_change("apply", "uploads", upload.id, {**who, "written": w.count})


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
    out = report.as_dict(limit=REPORT_ITEMS)
    out["path"] = filename
    return out


def check_upload(
    store: StatusStore, atlas: Atlas, content: bytes, filename: str, options: dict, *, actor: str,
    request_id: str | None = None, on_write: Callable | None = None, owner_token_id: int | None = None,
) -> Upload:  # fmt: skip
    """Dry-run ``content`` and keep it with its report (``options``: import_file's keyword arguments).

    ``owner_token_id`` is the token of the editor who uploads it (who, with admins, may see it).
    """
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
            "data_version, report, ready, state, owner_token_id) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'checked', ?)",
            (upload_id, _now().isoformat(), actor, w.request_id, filename, len(content), digest,
             json.dumps(options, ensure_ascii=False), version, json.dumps(_report(report, filename), ensure_ascii=False,
             default=str), int(ready), owner_token_id),
        )  # fmt: skip
        w.conn.execute("INSERT INTO upload_contents (upload_id, content) VALUES (?, ?)", (upload_id, content))
        w.record_change("stage", "uploads", upload_id, {"filename": filename, "size": len(content), "sha256": digest,
                                                        "ready": ready, "data_version": version})  # fmt: skip
    return get_upload(store, upload_id)


def get_upload(store: StatusStore, upload_id: str, viewer: Viewer | None = None) -> Upload:
    """An upload by id, if ``viewer`` may see it (None: anyone, as the command line)."""
    cond, args = _mine(viewer)
    rows = store.rows(f"SELECT {_COLUMNS} FROM uploads WHERE id = ? AND {cond}", (upload_id, *args))
    if not rows:
        whose = " among yours (an upload is seen and confirmed by the editor who made it, or an admin)"
        whose = whose if viewer is not None and not viewer.sees_all else ""
        raise NotFoundError(f"no upload {upload_id!r}{whose}; POST the file to /api/imports first")
    return _upload(rows[0])


def list_uploads(
    store: StatusStore, viewer: Viewer | None = None, *, limit: int = 50, offset: int = 0
) -> tuple[int, list[Upload]]:
    """The uploads ``viewer`` may see, newest first: how many in all, and one page of them."""
    cond, args = _mine(viewer)
    total = store.rows(f"SELECT COUNT(*) FROM uploads WHERE {cond}", args)[0][0]
    rows = store.rows(
        f"SELECT {_COLUMNS} FROM uploads WHERE {cond} ORDER BY created_at DESC, id LIMIT ? OFFSET ?",
        (*args, limit, offset),
    )
    return total, [_upload(r) for r in rows]


def _finish(store: StatusStore, upload: Upload, state: str, result: dict | None, actor: str, request_id: str,
            on_write: Callable | None) -> None:  # fmt: skip
    """Record the end of this request's confirmation: ``failed``, or the result of an ``applied`` one."""
    with store.write(actor, request_id) as w:
        if on_write is not None:
            on_write(w)
        sets = "result = ?" if state == "applied" else "state = 'failed', finished_at = ?, finished_by = ?, result = ?"
        args = () if state == "applied" else (_now().isoformat(), actor)
        w.conn.execute(
            f"UPDATE uploads SET {sets} WHERE id = ? AND claim_request_id = ?",
            (*args, json.dumps(result, ensure_ascii=False, default=str), upload.id, request_id),
        )
        if state == "failed":
            w.record_change("fail", "uploads", upload.id, {"uploaded_by": upload.created_by, "confirmed_by": actor,
                                                           "problem": (result or {}).get("problem")})  # fmt: skip


def _interrupted(w: Writer, upload_id: str, row, why: str) -> bool:
    """Return a claimed upload to ``checked``, saying in the audit trail whose confirmation stopped and why.

    Only the transaction that moves it writes the audit entry: two workers starting at once
    both see it ``applying`` before they write, and the second finds it ``checked`` already.
    """
    same_claim = "claim_request_id IS NULL" if row["claim_request_id"] is None else "claim_request_id = ?"
    moved = w.conn.execute(
        "UPDATE uploads SET state = 'checked', claimed_at = NULL, claimed_by = NULL, claim_request_id = NULL "
        f"WHERE id = ? AND state = 'applying' AND {same_claim}",
        (upload_id, *([] if row["claim_request_id"] is None else [row["claim_request_id"]])),
    )
    if moved.rowcount != 1:
        return False
    w.record_change("interrupt", "uploads", upload_id, {
        "uploaded_by": row["created_by"], "confirmed_by": row["claimed_by"], "claimed_at": row["claimed_at"],
        "claim_request_id": row["claim_request_id"], "why": why,
        "outcome": "nothing of it was written (its transaction was rolled back); it can be confirmed again",
    })  # fmt: skip
    return True


def recover_interrupted(store: StatusStore, *, actor: str = "geo-ntm (start)") -> list[str]:
    """Uploads left ``applying`` by a process that stopped (kill -9, power cut): back to ``checked``.

    Run when the service starts, before it takes requests. Their import transaction never
    committed (it would have marked them applied), so nothing of them is in the store.
    """
    rows = store.rows("SELECT id, created_by, claimed_by, claimed_at, claim_request_id FROM uploads "
                      "WHERE state = 'applying' ORDER BY claimed_at, id")  # fmt: skip
    rows = [r for r in rows if not store.claim_held(r["id"])]  # another worker may be applying one now
    if not rows:
        return []
    with store.write(actor) as w:
        why = "the service stopped while this upload was being applied"
        return [row["id"] for row in rows if _interrupted(w, row["id"], row, why)]


def _claim(store: StatusStore, upload: Upload, actor: str, request_id: str, ttl: timedelta,
           on_write: Callable | None) -> None:  # fmt: skip
    with store.write(actor, request_id) as w:  # claim it, so two confirmations cannot both import
        if on_write is not None:
            on_write(w)
        row = w.conn.execute(
            "SELECT state, created_at, created_by, finished_at, claimed_at, claimed_by, claim_request_id "
            "FROM uploads WHERE id = ?",
            (upload.id,),
        ).fetchone()
        if row["state"] == "applying":  # we hold the claim lock, so no live confirmation does: it stopped
            _interrupted(w, upload.id, row, "its confirmation stopped (a store error, or a restart); "
                                            "taken over by a new confirmation")  # fmt: skip
        elif row["state"] != "checked":
            what = {"applied": f"was applied at {row['finished_at']}", "failed": "failed; upload the file again"}
            raise ConflictError(f"upload {upload.id} {what.get(row['state'], row['state'])}")
        if _now() - datetime.fromisoformat(row["created_at"]) > ttl:
            raise ConflictError(f"the dry run of upload {upload.id} is older than {ttl}; run it again")
        if w.data_version() != upload.data_version:
            raise ConflictError(
                f"the data changed since the dry run (version {upload.data_version}, now {w.data_version()}); "
                "run the dry run again (POST /api/imports) and confirm the new one"
            )
        w.conn.execute(
            "UPDATE uploads SET state = 'applying', claimed_at = ?, claimed_by = ?, claim_request_id = ? WHERE id = ?",
            (_now().isoformat(), actor, request_id, upload.id),
        )
        w.record_change("claim", "uploads", upload.id, {"uploaded_by": upload.created_by, "confirmed_by": actor,
                                                        "data_version": upload.data_version})  # fmt: skip


def apply_upload(
    store: StatusStore, atlas: Atlas, upload_id: str, *, actor: str, request_id: str | None = None,
    ttl: timedelta = timedelta(hours=24), on_write: Callable | None = None, viewer: Viewer | None = None,
) -> Upload:  # fmt: skip
    """Import a checked upload, all or nothing, if the data has not changed since its dry run.

    Raises
    ------
    NotFoundError
        No such upload (among those ``viewer`` may see).
    InvalidParameterError
        Its dry run found problems (nothing to confirm).
    ConflictError
        It was applied already, is being applied, is too old, or the data changed since its dry run.
    StoreUnavailableError
        The store cannot be written (full, read-only): nothing was written, and the upload can be
        confirmed again once it can.
    """
    from .importer import import_file

    upload = get_upload(store, upload_id, viewer)
    if not upload.ready:
        raise InvalidParameterError(
            f"upload {upload_id} cannot be confirmed: its dry run found problems or nothing to write; "
            "correct the file and upload it again"
        )
    request_id = request_id or uuid.uuid4().hex
    with store.claim(upload_id):  # a live claim, seen by every process until this one ends or dies
        _claim(store, upload, actor, request_id, ttl, on_write)
        try:
            pinned = PinnedStore(store, upload, request_id, actor, on_write)
            with _as_file(_content(store, upload_id), upload.filename) as path:
                report = import_file(path, pinned, atlas, actor=actor, dry_run=False, **upload.options)
        except StoreUnavailableError as exc:
            _release(store, upload_id, request_id, actor, on_write, f"the store could not be written: {exc}")
            raise
        except BaseException as exc:
            problem = str(exc) if isinstance(exc, GeoNtmError) else "error"
            _finish(store, upload, "failed", {"problem": problem}, actor, request_id, on_write)
            raise
    result = _report(report, upload.filename)
    if not report.ok or not report.written:
        _finish(store, upload, "failed", result, actor, request_id, on_write)
        problems = "; ".join(e["problem"] for e in report.errors) or "nothing was written"
        raise ConflictError(f"upload {upload_id} was not imported: {problems}")
    _finish(store, upload, "applied", result, actor, request_id, on_write)
    return get_upload(store, upload_id)


def _release(store: StatusStore, upload_id: str, request_id: str, actor: str, on_write, why: str) -> None:
    """Give a claim back after a store error; if even that cannot be written, the next start (or confirm) will."""
    try:
        with store.write(actor, request_id) as w:
            if on_write is not None:
                on_write(w)
            row = w.conn.execute(
                "SELECT created_by, claimed_by, claimed_at, claim_request_id FROM uploads WHERE id = ? "
                "AND state = 'applying' AND claim_request_id = ?",
                (upload_id, request_id),
            ).fetchone()
            if row is not None:
                _interrupted(w, upload_id, row, why)
    except StoreUnavailableError:
        pass


def _content(store: StatusStore, upload_id: str) -> bytes:
    return store.rows("SELECT content FROM upload_contents WHERE upload_id = ?", (upload_id,))[0]["content"]
