"""Planning: where the especially difficult (ĐBKK) communes stand and what each still needs.

- :func:`difficult_communes`: the communes of the ĐBKK list in force on a date, with status,
  criteria met and missing (by name), villages, the share against the plan target and the gap
  in villages; filters and rankings.
- :func:`ranking_csv`, :func:`ranking_xlsx`: that ranking as a download (formula-safe).
- :func:`commune_dossier`: one commune's decisions, lineage, villages, list membership, criteria.
- :func:`reform_view`: across the 2025 reorganisation, old ĐBKK communes inside a new commune,
  or the new commune an old one became part of.
- :func:`list_versions`: the versions of the difficulty lists with their acts and changes.
"""

from .difficult import ROW_FIELDS, DifficultCommunes, difficult_communes
from .dossier import commune_dossier
from .export import EXPORT_COLUMNS, ranking_csv, ranking_xlsx
from .filters import SORTS
from .lists import list_versions
from .reform import reform_view

__all__ = [
    "ROW_FIELDS",
    "SORTS",
    "EXPORT_COLUMNS",
    "DifficultCommunes",
    "difficult_communes",
    "commune_dossier",
    "ranking_csv",
    "ranking_xlsx",
    "list_versions",
    "reform_view",
]
