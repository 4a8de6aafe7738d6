"""The present: the new province under the 2026-2030 programme, and what carries over from 2021-2025.

- :func:`review_board`: the units formed by the latest reorganisation and where each review
  stands, what each still needs under the 2026-2030 set, with downloads.
- :func:`followed_targets`: targets set on units that no longer exist, followed through the
  lineage to the units of today and judged on their own deadline.
- :func:`present_overview`: the figures of today for the dashboard (review states, 2026-2030
  standing, the transition from the old units, the province's 2030 goals).
- :func:`present_standing`: one commune's group, 2026-2030 criteria by name (met / not met /
  unknown), review steps and former units, for its dossier.
- :func:`reported_changes`: changes reported by open datasets and not confirmed from the acts.
"""

from geo_ntm.status.review import latest_reorganisation

from .board import EXPORT_COLUMNS, PASTS, ReviewBoard, review_board
from .overview import present_overview
from .reported import reclassifications, reported_changes
from .targets import followed_targets
from .unit import present_standing

__all__ = [
    "EXPORT_COLUMNS",
    "PASTS",
    "ReviewBoard",
    "latest_reorganisation",
    "review_board",
    "present_overview",
    "followed_targets",
    "present_standing",
    "reclassifications",
    "reported_changes",
]
