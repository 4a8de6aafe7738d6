"""NTM status: decisions as history, the store, import, and status on any date.

- :mod:`.levels`: the status levels and their order, labels in Vietnamese and English.
- :mod:`.criteria`: versioned criteria sets (2021-2025, 2026-2030).
- :mod:`.model`: records (decisions, revocations, difficulty lists, village counts, targets).
- :mod:`.store`: the append-only store (SQLite by default) behind an interface.
- :mod:`.derive`: status of every unit on a date, "awaiting review" for merged units, checks.
- :mod:`.summary`: the figures the province reports.
"""
