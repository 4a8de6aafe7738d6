"""geo-ntm: New Rural Development (Nông thôn mới, NTM) status over Vietnam's changing units.

The library knows nothing of HTTP. Its parts:

- ``geo_ntm.boundaries``: the boundary history of a region (units with validity intervals,
  reorganisation events, lineage, crosswalks), built reproducibly from official sources.
- ``geo_ntm.names``: Vietnamese name folding and matching, tolerant of damaged diacritics.
- ``geo_ntm.errors``: the domain exceptions every other part raises.
"""

__version__ = "0.1.0"
