"""The review board page: the communes formed by the latest reorganisation, for the province's NTM office."""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from pydantic import Field

from api.deps import LangDep, StatusDep, WhenDep
from api.templating import templates
from geo_ntm.i18n import day_text, section
from geo_ntm.palette import COLORS, PATTERN_INK, PATTERNS
from geo_ntm.present import PASTS, review_board
from geo_ntm.status.criteria import criteria_sets
from geo_ntm.status.levels import LABELS
from geo_ntm.status.model import REVIEW_STATES
from geo_ntm.status.review import LABELS as STATE_LABELS
from geo_ntm.status.review import PAST_LABELS

router = APIRouter(include_in_schema=False)

StateQ = Annotated[
    list[Literal["not_started", "self_assessed", "verified", "recognised", "not_recognised"]] | None, Query()
]
GroupQ = Annotated[list[Annotated[int, Field(ge=1, le=3)]] | None, Query()]
PastQ = Annotated[list[Literal["all_ntm", "some_ntm", "none_ntm", "unknown"]] | None, Query()]


@router.get("/planning/reviews", response_class=HTMLResponse)
def board_page(
    request: Request, lang: LangDep, service: StatusDep, when: WhenDep, state: StateQ = None, group: GroupQ = None,
    past: PastQ = None,
) -> HTMLResponse:  # fmt: skip
    """The review board: state of each review, former communes' past, group, what each commune still needs."""
    board = review_board(service, when.as_of, state=state, group=group, past=past)
    cset = criteria_sets().get(board.set_id) if board.set_id else None
    data = board.as_dict()
    filters = [("state", s) for s in state or []] + [("group", str(g)) for g in group or []]
    filters += [("past", p) for p in past or []]
    day = when.as_of.isoformat()
    t = {**section(lang, "planning"), **section(lang, "review_board")}
    context = {
        "lang": lang,
        "t": t,
        "b": data,
        "rows": data["rows"],
        "day": day,
        "day_text": day_text(when.as_of, lang),
        "formed": day_text(board.formed_on, lang) if board.formed_on else None,
        "labels": LABELS[lang],
        "state_labels": STATE_LABELS[lang],
        "past_labels": PAST_LABELS[lang],
        "states": REVIEW_STATES,
        "pasts": PASTS,
        "chosen": {"state": set(state or ()), "group": set(group or ()), "past": set(past or ())},
        "palette": COLORS,
        "patterns": PATTERNS,
        "pattern_ink": PATTERN_INK,
        "download": lambda fmt: "/api/review-board?" + urlencode([("date", day), *filters, ("format", fmt)]),
        "map_href": "/maps/status?" + urlencode({"date": day, "lang": lang}),
        "page_of": lambda code: f"/planning/communes/{code}?" + urlencode({"lang": lang, "date": day}),
        "pct": lambda v: "" if v is None else f"{v * 100:.0f}%",
        "notes": [n[lang] for n in data["notes"]],
        "set_title": f"{cset.title[lang]} ({cset.legal_act})" if cset else None,
    }
    return templates.TemplateResponse(request, "review_board.html", context)
