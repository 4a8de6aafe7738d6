"""What a document names: units, status phrases, figures, targets and dates, each where it stands.

:func:`analyse` runs the finders of this package over a document's text and returns a plain
dict (JSON-ready) that pages, exports and drafts are made from. The date context is the one a
user sets, else the document's own date, else today; units are looked up among those in force
on it. A reviewer's corrections (by mention id) are applied before anything is derived from
the units, so a corrected match moves the claims, targets and map with it.
"""

from __future__ import annotations

from datetime import date

from geo_ntm.boundaries.atlas import Atlas
from geo_ntm.errors import DateOutOfRangeError, InvalidParameterError

from .facts import Figure, StatusPhrase, attach, cue_words, deadlines, figures, status_phrases, year_before
from .identity import Identity, read_identity, years
from .text import Text
from .units import CONFIDENT, UnitMention, find_units

#: Target cues that make a sentence with a future year a target even without "đến hết".
_TARGET_CUES = ("target", "recognise", "submit")
_UNIT_FIELDS = ("uid", "code", "name", "level", "type", "parent_code", "province_code")


def analyse(
    text: str,
    atlas: Atlas,
    *,
    day: date | None = None,
    corrections: dict | None = None,
    today: date | None = None,
) -> dict:
    """Find what ``text`` names.

    Parameters
    ----------
    text : str
        The document's clean text (:attr:`~.reading.Document.text`).
    atlas : Atlas
        The boundary history units are looked up in.
    day : date, optional
        The date the user says the document speaks of; default its own date, else ``today``.
    corrections : dict, optional
        ``{mention id: {"uid": ...} | {"reject": True}}`` from a reviewer.
    today : date, optional
        For tests; default the real today.

    Returns
    -------
    dict
        ``as_of``, ``as_of_from`` (``"user"``, ``"document"`` or ``"today"``), ``identity``,
        ``units``, ``statuses``, ``figures``, ``claims``, ``targets``, ``dates``, ``references``,
        ``notes`` and ``counts``; every mention has ``id``, ``start``/``end`` (offsets),
        ``line``/``col``, ``end_line``/``end_col`` and ``text``.
    """
    t = Text(text)
    ident = read_identity(t)
    notes = list(ident.notes)
    as_of, as_of_from = _as_of(atlas, day, ident, today or date.today(), notes)
    units = find_units(t, atlas, as_of)
    _correct(units, corrections or {}, atlas, as_of, notes)
    phrases = status_phrases(t)
    attach(t, phrases, units)
    marks = years(t)
    skip = _date_tokens(t, ident, marks)
    figs = figures(t, phrases, skip, marks)
    doc_year = (ident.date or as_of).year
    by_id = {u.id: u for u in units}
    claims, unit_targets = _claims(t, phrases, by_id, doc_year, marks)
    fig_targets = _figure_targets(t, figs, units, doc_year, marks)
    issuer = _issuer(t, ident, units)
    return {
        "as_of": as_of.isoformat(),
        "as_of_from": as_of_from,
        "identity": {
            "number": ident.number,
            "kind": ident.kind,
            "date": ident.date.isoformat() if ident.date else None,
            "date_place": ident.date_place,
            "issuer": issuer,
            "citation": ident.citation(issuer["name"] if issuer else None),
        },
        "units": [_unit_json(t, u) for u in units],
        "statuses": [_status_json(t, p) for p in phrases],
        "figures": [_figure_json(t, f) for f in figs],
        "claims": claims,
        "targets": unit_targets + fig_targets,
        "dates": ident.dates,
        "references": ident.references,
        "notes": notes,
        "counts": {
            "lines": t.line_count,
            "units": sum(u.status == "matched" for u in units),
            "confident": sum(u.status == "matched" and u.confidence >= CONFIDENT for u in units),
            "to_review": sum(
                u.status != "rejected" and (u.status != "matched" or u.confidence < CONFIDENT) for u in units
            ),  # fmt: skip
        },
    }


def _as_of(atlas: Atlas, day: date | None, ident: Identity, today: date, notes: list) -> tuple[date, str]:
    if day is not None:
        return atlas.check_date(day), "user"
    for when, source in ((ident.date, "document"), (today, "today")):
        if when is None:
            continue
        try:
            return atlas.check_date(when), source
        except DateOutOfRangeError:
            notes.append({"code": "date_outside_data", "date": when.isoformat(),
                          "from": atlas.covered_from.isoformat()})  # fmt: skip
    return atlas.check_date(today), "today"


def _correct(units: list[UnitMention], corrections: dict, atlas: Atlas, as_of: date, notes: list) -> None:
    by_id = {u.id: u for u in units}
    for mention_id, fix in corrections.items():
        u = by_id.get(mention_id)
        if u is None:
            notes.append({"code": "correction_lost", "mention": mention_id})
            continue
        if fix.get("reject"):
            u.status, u.unit, u.confidence, u.corrected = "rejected", None, 0.0, True
            continue
        uid = fix.get("uid")
        if uid not in atlas.units.index:
            raise InvalidParameterError(f"correction of {mention_id}: unknown unit version {uid!r}")
        row = atlas.units.loc[uid]
        if not row["valid_from"] <= as_of <= row["valid_to"]:
            notes.append({"code": "correction_other_date", "mention": mention_id, "uid": uid})
        u.unit = {k: row[k] for k in _UNIT_FIELDS}
        u.status, u.confidence, u.how, u.corrected = "matched", 1.0, "reviewer", True


def _date_tokens(t: Text, ident: Identity, marks: list[dict]) -> set[int]:
    """Tokens that are parts of dates, document numbers and years: never figures."""
    skip = {m["token"] for m in marks}
    for span in [*ident.dates, *ident.references]:
        first = t.token_at(span["start"])
        j = first
        while j < len(t.tokens) and t.tokens[j].start < span["end"]:
            skip.add(j)
            j += 1
    return skip


def _is_target_sentence(t: Text, i: int, dls: list[dict]) -> dict | None:
    """The deadline a sentence sets, if it sets one: a cue before the year or a target word in it."""
    if not dls:
        return None
    cued = [d for d in dls if d["cue"]]
    if not cued:
        if not cue_words(t, i) & set(_TARGET_CUES):
            return None
        cued = dls
    recognised = [d for d in cued if d["recognise"]]
    return max(recognised or cued, key=lambda d: d["year"])


def _claims(t: Text, phrases: list[StatusPhrase], by_id: dict, doc_year: int, marks: list[dict]):
    """Status phrases about units: claims (what is) and unit targets (what is to be, by a deadline)."""
    claims, targets, seen = [], [], set()
    for p in phrases:
        if not p.units or p.level is None:
            continue
        deadline = _is_target_sentence(t, p.first, deadlines(t, p.first, doc_year, marks))
        year = year_before(t, p.first, marks)
        units = [by_id[u] for u in p.units]
        key = (tuple(p.units), p.level, bool(deadline))
        if key in seen:
            continue
        seen.add(key)
        item = {
            "id": ("t" if deadline else "c") + p.id[1:],
            "status": p.id,
            "units": p.units,
            "unit_codes": [u.unit["code"] for u in units],
            "unit_names": [u.unit["name"] for u in units],
            "unit_level": units[0].level,
            "level": p.level,
            "either": list(p.either),
            **t.place(t.tokens[p.first].start, t.tokens[p.last].end),
            "text": p.text,
        }
        if deadline:
            metric = _unit_metric(units[0].level, p.level)
            targets.append({**item, "kind": "unit", "metric": metric, "target": float(len(units)),
                            "deadline": deadline["date"], "deadline_year": deadline["year"],
                            "scope": item["unit_codes"]})  # fmt: skip
        else:
            claims.append({**item, "year": year})
    return claims, targets


def _unit_metric(unit_level: str, level: str) -> str | None:
    """The plan metric a unit target counts toward: "Tân Yên advanced by 2025" → districts_nang_cao."""
    if unit_level == "district":
        return "districts_nang_cao" if level == "nang_cao" else "districts_achieved"
    if unit_level == "commune":
        return "communes_ntm" if level == "dat_chuan" else f"communes_{level}"
    return None


def _figure_targets(t: Text, figs: list[Figure], units: list[UnitMention], doc_year: int, marks) -> list[dict]:
    out = []
    by_paragraph: dict[int, list[UnitMention]] = {}
    for u in units:
        if u.status == "matched" and u.level in ("district", "province"):
            by_paragraph.setdefault(t.paragraph_of[u.first], []).append(u)
    for f in figs:
        deadline = _is_target_sentence(t, f.first, deadlines(t, f.first, doc_year, marks))
        if deadline is None:
            continue
        f.target = True
        scope = by_paragraph.get(t.paragraph_of[f.first], [])
        value = f.value / 100 if f.unit == "%" else f.value
        out.append({
            "id": "t" + f.id[1:], "kind": "figure", "figure": f.id, "metric": f.metric, "target": value,
            "unit": f.unit, "deadline": deadline["date"], "deadline_year": deadline["year"],
            "scope": [u.unit["code"] for u in scope if u.level == "district"], "units": [u.id for u in scope],
            "unit_names": [u.unit["name"] for u in scope],
            **t.place(t.tokens[f.first].start, t.tokens[f.last].end), "text": f.text,
            "sentence": t.raw(t.sentence_tokens(f.first).start, t.sentence_tokens(f.first).stop - 1),
        })  # fmt: skip
    return out


def _issuer(t: Text, ident: Identity, units: list[UnitMention]) -> dict | None:
    """The unit whose People's Committee issued the document: a unit named right after "ỦY BAN NHÂN DÂN"."""
    if ident.issuer_place is None:
        return None
    for u in units:
        distance = t.tokens[u.first].start - ident.issuer_place["start"]
        if u.status == "matched" and u.level in ("province", "district") and 0 <= distance < 200:
            name = u.unit["name"].replace("Tỉnh ", "tỉnh ", 1).replace("Huyện ", "huyện ", 1)
            return {"code": u.unit["code"], "uid": u.unit["uid"], "level": u.level, "name": f"UBND {name}"}
    return None


def _unit_json(t: Text, u: UnitMention) -> dict:
    toks = t.tokens
    return {
        "id": u.id, **t.place(toks[u.first].start, toks[u.last].end), "text": u.text, "via": u.via,
        "unit_type": u.unit_type, "status": u.status, "unit": u.unit, "confidence": u.confidence, "how": u.how,
        "confident": u.status == "matched" and u.confidence >= CONFIDENT, "candidates": u.candidates,
        "group": u.group, "corrected": u.corrected,
    }  # fmt: skip


def _status_json(t: Text, p: StatusPhrase) -> dict:
    toks = t.tokens
    return {"id": p.id, **t.place(toks[p.first].start, toks[p.last].end), "text": p.text, "level": p.level,
            "either": list(p.either), "dbkk": p.dbkk, "subject": p.subject, "units": p.units,
            "confidence": round(p.confidence, 4)}  # fmt: skip


def _figure_json(t: Text, f: Figure) -> dict:
    toks = t.tokens
    return {
        "id": f.id, **t.place(toks[f.first].start, toks[f.first].start + len(f.text)), "text": f.text,
        "value": f.value, "unit": f.unit, "of": f.of, "metric": f.metric, "period": f.period, "year": f.year,
        "status": f.status.id if f.status else None, "level": f.status.level if f.status else None,
        "target": f.target, "confidence": f.confidence,
    }  # fmt: skip
