"""Changes after the 2025 reform that public datasets report but our sources do not confirm.

``geo_ntm/data/public_record/admin_changes_2026.csv`` holds them with their citation: Bắc Ninh
becoming a centrally-run city (Resolution 39/2026/QH16, from 20/09/2026) and 12 of its communes
becoming wards (Resolution 388/NQ-UBTVQH16), read in open datasets' release notes; the
resolutions' texts were not found. They are not boundary events here (the map still shows
those units as communes); pages say so beside the units concerned.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

PUBLIC = Path(__file__).resolve().parent.parent / "data" / "public_record" / "admin_changes_2026.csv"


@cache
def reported_changes() -> tuple[dict, ...]:
    """Every reported change, as read from the public record (with ``confirmed`` False)."""
    with PUBLIC.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    out = []
    for r in rows:
        when = r["effective"] or None
        out.append(
            {
                "event": r["event"],
                "code": r["code"],
                "name_before": r["name_before"],
                "name_after": r["name_after"],
                "legal_act": r["legal_act"],
                "effective": when,
                "confirmed": False,
                "reported_on": r["published_on"],
                "citation": f"{r['citation']} ({r['publisher']}, {r['source_url']})",
                "vi": f"Theo bộ dữ liệu mở (chưa xác nhận từ văn bản): {r['name_before']} → {r['name_after']}, "
                f"{r['legal_act']}" + (f", hiệu lực {when[8:10]}/{when[5:7]}/{when[:4]}" if when else ""),
                "en": f"Reported by open datasets (not confirmed from the act): {r['name_before']} → "
                f"{r['name_after']}, {r['legal_act']}" + (f", effective {when}" if when else ""),
            }
        )
    return tuple(out)


def reclassifications() -> dict[str, dict]:
    """Reported commune → ward changes by commune code."""
    return {c["code"]: c for c in reported_changes() if c["event"] == "commune_to_ward"}
