"""One router per resource; :data:`ROUTERS` is the list ``create_app`` mounts."""

from api.routers import boundaries, health, home, layers, ogc, status

ROUTERS = [health.router, home.router, boundaries.router, status.router, layers.router, ogc.router]
