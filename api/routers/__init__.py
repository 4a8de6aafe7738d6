"""One router per resource; :data:`ROUTERS` is the list ``create_app`` mounts."""

from api.routers import (
    audit,
    boundaries,
    decisions,
    document_pages,
    documents,
    embed,
    health,
    home,
    imports,
    layers,
    national,
    ogc,
    pages,
    planner_pages,
    planning,
    present,
    review_pages,
    reviews,
    search,
    status,
    tokens,
)

ROUTERS = [health.router, home.router, boundaries.router, status.router, layers.router, ogc.router, pages.router]
ROUTERS += [planning.router, present.router, search.router, planner_pages.router, review_pages.router]
ROUTERS += [decisions.router, reviews.router, imports.router, audit.router, tokens.router, embed.router]
ROUTERS += [documents.router, document_pages.router, national.router]
