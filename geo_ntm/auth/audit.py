"""The audit trail: every change in the store, with the request that made it.

The store writes one ``changes`` row per record added (actor, request id, action, table, record
id, the row as written) inside the transaction that adds it, chained to the one before by a
hash (:mod:`geo_ntm.status.chain`): answers say whether the chain is intact and where it breaks.
A change made through the API also writes, in that same transaction, one ``requests`` row with
its HTTP context: the endpoint, the token (name and role) and the client address (the hash
covers it too). :func:`audit_entries` joins the two; :func:`audit_csv` writes them for a
spreadsheet, with formulas neutralised.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from geo_ntm.status.chain import ChainReport
from geo_ntm.status.store import StatusStore, Writer

#: Columns of the export, in order.
FIELDS = [
    "id",
    "at",
    "actor",
    "action",
    "table",
    "record_id",
    "request_id",
    "client_request_id",
    "method",
    "endpoint",
    "client",
    "token_name",
    "role",
    "detail",
    "chain_break",
]
#: A spreadsheet reads a cell starting with one of these as a formula (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class RequestContext:
    """Where a change came from: one HTTP request."""

    request_id: str
    method: str
    endpoint: str
    client: str | None = None
    token_id: int | None = None
    token_name: str | None = None
    role: str | None = None
    client_request_id: str | None = None
    user_agent: str | None = None


def note_request(writer: Writer, ctx: RequestContext) -> None:
    """Record the request's context in the writer's transaction (once per request id)."""
    writer.note_request(
        {
            "request_id": ctx.request_id,
            "client_request_id": ctx.client_request_id,
            "at": datetime.now(UTC).isoformat(timespec="seconds"),
            "method": ctx.method,
            "endpoint": ctx.endpoint,
            "client": ctx.client,
            "token_id": ctx.token_id,
            "token_name": ctx.token_name,
            "role": ctx.role,
            "user_agent": (ctx.user_agent or "")[:300] or None,
        }
    )


def audit_entries(
    store: StatusStore,
    *,
    since: date | None = None,
    until: date | None = None,
    actor: str | None = None,
    table: str | None = None,
    action: str | None = None,
    request_id: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[dict]:
    """Changes, newest first, with their request context; filters combine.

    Parameters
    ----------
    since, until : date, optional
        First and last day (UTC, inclusive) of the changes.
    actor : str, optional
        Who made them (the token name, or the command's actor).
    table : str, optional
        The table changed (``decisions``, ``revocations``, ``tokens``, ``uploads`` ...).
    action : str, optional
        ``add``, ``revoke``, ``stage`` ...
    request_id : str, optional
        The request id, as the server made it or as the client sent it (``X-Request-ID``).
    limit, offset : int
        Page of the answer.
    """
    where, args = [], []
    if since is not None:
        where.append("c.at >= ?")
        args.append(since.isoformat())
    if until is not None and until < date.max:  # the last day there is bounds nothing (and has no day after)
        where.append("c.at < ?")
        args.append((until + timedelta(days=1)).isoformat())
    for column, value in (("c.actor", actor), ("c.tbl", table), ("c.action", action)):
        if value is not None:
            where.append(f"{column} = ?")
            args.append(value)
    if request_id is not None:
        where.append("(c.request_id = ? OR r.client_request_id = ?)")
        args += [request_id, request_id]
    sql = (
        'SELECT c.id, c.at, c.actor, c.action, c.tbl AS "table", c.record_id, c.request_id, r.client_request_id, '
        "r.method, r.endpoint, r.client, r.token_name, r.role, c.detail "
        "FROM changes c LEFT JOIN requests r ON r.request_id = c.request_id"
        + (" WHERE " + " AND ".join(where) if where else "")
        + " ORDER BY c.id DESC LIMIT ? OFFSET ?"
    )
    out = []
    for row in store.rows(sql, (*args, limit, offset)):
        entry = dict(row)
        entry["detail"] = json.loads(entry["detail"]) if entry["detail"] else None
        out.append(entry)
    return out


def neutralise(value) -> str:
    """A cell a spreadsheet will show as text: a leading ``= + - @``, tab or CR gets a ``'`` before it."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def audit_csv(entries: list[dict]) -> str:
    """The entries as CSV (UTF-8 with BOM, so Excel reads Vietnamese), every cell neutralised."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(FIELDS)
    for e in entries:
        row = {**e, "detail": json.dumps(e["detail"], ensure_ascii=False) if e.get("detail") is not None else ""}
        writer.writerow([neutralise(row.get(f)) for f in FIELDS])
    return out.getvalue()


def mark_breaks(entries: list[dict], chain: ChainReport) -> list[dict]:
    """The entries, each with ``chain_break``: where the hash chain breaks at it, or None."""
    at = {b["id"]: b["problem"] for b in chain.breaks}
    return [{**e, "chain_break": at.get(e["id"])} for e in entries]


def chain_header(chain: ChainReport) -> str:
    """One line for an ``X-Audit-Chain`` header: intact, or where it first breaks."""
    if chain.ok:
        return f"intact; {chain.entries} entries; head {chain.head}"
    return f"broken at entry {chain.first_break} ({chain.break_count} breaks); see GET /api/audit"
