"""The ``geo-ntm`` command line.

    geo-ntm serve                         run the service on the embedded region (added by api.cli)
    geo-ntm boundaries build --province 24      (--national: all of Vietnam)
    geo-ntm boundaries check
    geo-ntm boundaries units --date 2023-12-31 --level district
    geo-ntm boundaries lineage 07777 --date 2024-06-01
    geo-ntm boundaries crosswalk --from 2023-12-31 --to 2025-07-01
    geo-ntm boundaries import FILE --code-field MA_XA --name-field TEN_XA --valid-on 2025-07-01 --crs vn2000:tm3:107
    geo-ntm tokens create --role editor --name alice     (also: tokens list, tokens revoke ID)
    geo-ntm import decisions.xlsx --source official --citation "..." [--dry-run]
    geo-ntm audit verify                  check that the audit trail's hash chain is intact

Errors the user can fix are printed as one line on stderr with exit status 2.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from geo_ntm.errors import GeoNtmError, InvalidParameterError
from geo_ntm.paths import BOUNDARIES_DIR, DEFAULT_REGION, DEFAULT_STORE, SOURCES_DIR


def _boundaries(sub) -> None:
    b = sub.add_parser("boundaries", help="build, check and query the boundary history")
    bs = b.add_subparsers(dest="action", required=True)

    p = bs.add_parser("build", help="build a province's (or the country's) boundary history from the sources")
    p.add_argument("--province", default="24", help="province code on the reform date (default 24, Bắc Ninh), or VN")
    p.add_argument("--national", action="store_true", help="build all of Vietnam (same as --province VN)")
    p.add_argument("--sources", type=Path, default=SOURCES_DIR, help="folder with manifest.json")
    p.add_argument("--out", type=Path, default=BOUNDARIES_DIR, help="folder for <code>-<name>.gpkg")
    p.set_defaults(func=_build)

    p = bs.add_parser("check", help="check a built history against the official lists")
    p.add_argument("--region", type=Path, default=DEFAULT_REGION)
    p.add_argument("--sources", type=Path, default=SOURCES_DIR)
    p.add_argument("--json", action="store_true", help="print the full figures as JSON")
    p.set_defaults(func=_check)

    p = bs.add_parser("units", help="list the units of a level on a date")
    p.add_argument("--region", type=Path, default=DEFAULT_REGION)
    p.add_argument("--date", required=True)
    p.add_argument("--level", default="commune", choices=["commune", "district", "province"])
    p.add_argument("--format", default="csv", choices=["csv", "geojson"])
    p.set_defaults(func=_units)

    p = bs.add_parser("lineage", help="a unit's predecessors and successors back to 2010 and forward")
    p.add_argument("ref", help="a code (with --date) or a uid such as 07777@2024-02-01")
    p.add_argument("--date")
    p.add_argument("--region", type=Path, default=DEFAULT_REGION)
    p.set_defaults(func=_lineage)

    p = bs.add_parser("crosswalk", help="area shares between the units of two dates")
    p.add_argument("--from", dest="day_a", required=True)
    p.add_argument("--to", dest="day_b", required=True)
    p.add_argument("--level", default="commune", choices=["commune", "district", "province"])
    p.add_argument("--to-level", choices=["commune", "district", "province"])
    p.add_argument("--region", type=Path, default=DEFAULT_REGION)
    p.set_defaults(func=_crosswalk)

    p = bs.add_parser("import", help="import a province's own official boundary file (e.g. VN-2000 shapefile)")
    p.add_argument("file", type=Path)
    p.add_argument("--code-field", required=True)
    p.add_argument("--name-field", required=True)
    p.add_argument("--valid-on", required=True, help="date the file's boundaries are valid on (YYYY-MM-DD)")
    p.add_argument("--crs", help="CRS when the file has none, e.g. vn2000:tm3:107, vn2000:utm:48, EPSG:4326")
    p.add_argument("--province", help="GSO province code, to use its VN-2000 TM-3 central meridian")
    p.add_argument("--layer", help="layer of a multi-layer file")
    p.add_argument("--ignore-prj", action="store_true", help="ignore the file's own CRS (when it is mislabelled)")
    p.add_argument("--code-width", type=int, default=5, help="zero-pad numeric codes to this width")
    p.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    p.add_argument("--out", type=Path, required=True, help="GeoPackage to write")
    p.set_defaults(func=_import)


def _build(args) -> int:
    from geo_ntm.boundaries.build import build_to

    region = "VN" if args.national else args.province
    path, result = build_to(region, args.sources, args.out, progress=lambda m: print(m, file=sys.stderr, flush=True))
    counts = {lvl: sum(v.level == lvl for v in result.versions) for lvl in ("commune", "district", "province")}
    print(f"wrote {path}: {counts} versions, {len(result.events)} events, {len(result.issues)} issues")
    for issue in result.issues:
        print(f"  issue {issue.date} {issue.code}: {issue.problem}")
    return 0


def _check(args) -> int:
    from geo_ntm.boundaries.check import run_checks

    checks = run_checks(args.region, args.sources)
    if args.json:
        print(json.dumps([c.__dict__ for c in checks], ensure_ascii=False, indent=2, default=str))
    else:
        for c in checks:
            print(f"{'PASS' if c.passed else 'FAIL'}  {c.name}\n      {c.summary}")
    return 0 if all(c.passed for c in checks) else 1


def _units(args) -> int:
    from geo_ntm.boundaries.atlas import Atlas

    units = Atlas.load(args.region).units_on(args.date, args.level)
    cols = ["code", "name", "type", "parent_code", "valid_from", "valid_to", "area_km2"]
    if args.format == "geojson":
        sys.stdout.write(units[cols + ["geometry"]].astype({"valid_from": str, "valid_to": str}).to_json())
    else:
        units[cols].to_csv(sys.stdout, index=False)
    return 0


def _lineage(args) -> int:
    from geo_ntm.boundaries.atlas import Atlas

    atlas = Atlas.load(args.region)
    names = atlas.units["name"]
    for s in atlas.lineage(args.ref, args.date):
        share = "" if s.share is None else f" ({s.share:.0%} of it)"
        print(
            f"{s.date} {s.kind:<17} {s.source} {names.get(s.source, '')} → {s.target} "
            f"{names.get(s.target, '')}{share}  [{s.legal_act}]"
        )
    return 0


def _crosswalk(args) -> int:
    from geo_ntm.boundaries.atlas import Atlas

    frame = Atlas.load(args.region).crosswalk(args.day_a, args.day_b, args.level, args.to_level)
    frame.to_csv(sys.stdout, index=False)
    return 0


def _import(args) -> int:
    from geo_ntm.boundaries.official import import_official

    report = import_official(
        args.file,
        args.out,
        code_field=args.code_field,
        name_field=args.name_field,
        valid_on=args.valid_on,
        crs=args.crs,
        province=args.province,
        layer=args.layer,
        code_width=args.code_width,
        ignore_file_crs=args.ignore_prj,
        overwrite=args.force,
    )
    print(json.dumps(report, ensure_ascii=False, indent=2, default=str))
    return 0


def _status_import(sub) -> None:
    p = sub.add_parser("import", help="import NTM decisions (and revocations) from a spreadsheet, all or nothing")
    p.add_argument("file", type=Path, help="a .xlsx or CSV file")
    p.add_argument("--sheet", help="sheet name or 1-based number (default: the first sheet with a known header)")
    p.add_argument("--map", action="append", default=[], metavar="COLUMN=FIELD", help="read a column as a field")
    p.add_argument("--mapping", type=Path, help="JSON or TOML file with [columns] and [defaults] tables")
    p.add_argument("--source", choices=["official", "illustrative"], help="source of rows with no source column")
    p.add_argument("--citation", help="citation of rows with no citation (required for official rows)")
    p.add_argument("--authority", help="authority of rows with no authority column")
    p.add_argument("--criteria-set", help="criteria set of rows with criteria but no criteria_set column")
    p.add_argument("--level-of-unit", choices=["commune", "district"], help="unit level of rows (default commune)")
    p.add_argument("--default", action="append", default=[], metavar="FIELD=VALUE", help="default for any field")
    p.add_argument("--strict-names", action="store_true", help="refuse names matched only by similar spelling")
    p.add_argument("--dry-run", action="store_true", help="check everything, write nothing")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--max-mb", type=float, default=20.0, help="refuse larger files (default 20)")
    p.add_argument(
        "--records",
        choices=["decisions", "targets", "reviews"],
        default="decisions",
        help="what the sheet holds: decisions (default), plan targets, or review steps of merged communes",
    )
    p.add_argument("--store", **_store_option())
    p.add_argument("--region", type=Path, default=DEFAULT_REGION)
    p.add_argument("--actor", help="who imports (default: geo-ntm import (<login>))")
    p.set_defaults(func=_import_status)


def _pairs(items: list[str], what: str) -> dict[str, str]:
    out = {}
    for item in items:
        left, sep, right = item.rpartition("=")
        if not sep or not left.strip() or not right.strip():
            raise InvalidParameterError(f"{what} {item!r} is not NAME=VALUE, e.g. --map 'Mã xã=unit_code'")
        out[left.strip()] = right.strip()
    return out


def _import_status(args) -> int:
    import getpass

    from geo_ntm.boundaries.atlas import Atlas
    from geo_ntm.status.imports.importer import import_file
    from geo_ntm.status.imports.vocabulary import load_mapping

    columns, defaults = load_mapping(args.mapping) if args.mapping else ({}, {})
    columns.update(_pairs(args.map, "--map"))
    defaults.update(_pairs(args.default, "--default"))
    named = {"source": args.source, "citation": args.citation, "authority": args.authority,
             "criteria_set": args.criteria_set, "unit_level": args.level_of_unit}  # fmt: skip
    defaults.update({k: v for k, v in named.items() if v})
    try:
        actor = args.actor or f"geo-ntm import ({getpass.getuser()})"
    except (KeyError, OSError):  # no login name (a container)
        actor = "geo-ntm import"
    if not args.file.is_file():
        raise InvalidParameterError(f"{args.file}: no such file")
    atlas = Atlas.load(args.region)
    options = dict(actor=actor, mapping=columns, sheet=args.sheet, defaults=defaults, dry_run=args.dry_run,
                   accept_fuzzy=not args.strict_names, max_bytes=int(args.max_mb * 1024 * 1024),
                   records=args.records)  # fmt: skip
    report = import_file(args.file, args.store, atlas, **options)  # a path: no store is created on a usage error
    print(report.to_json() if args.json else report.to_text())
    return 0 if report.ok else 1


def _store_option() -> dict:
    return {"default": os.environ.get("GEO_NTM_STORE", str(DEFAULT_STORE)),
            "help": "the status store: a SQLite file or a postgresql:// URL "
                    "(default: $GEO_NTM_STORE or var/geo-ntm.sqlite)"}  # fmt: skip


def _tokens(sub, store: dict) -> None:
    t = sub.add_parser("tokens", help="API tokens with roles (reader, editor, admin): create, list, revoke")
    ts = t.add_subparsers(dest="action", required=True)
    p = ts.add_parser("create", help="create a token; prints it once on stdout (it is stored only as a hash)")
    p.add_argument("--name", required=True, help="who holds it, e.g. alice (unique among active tokens)")
    p.add_argument("--role", required=True, choices=["reader", "editor", "admin"])
    p.add_argument("--store", **store)
    p.set_defaults(func=_token_create)
    p = ts.add_parser("list", help="list tokens (never their secrets)")
    p.add_argument("--active", action="store_true", help="only tokens not revoked")
    p.add_argument("--json", action="store_true")
    p.add_argument("--store", **store)
    p.set_defaults(func=_token_list)
    p = ts.add_parser("revoke", help="revoke a token by id, key id or name; it stops working at once")
    p.add_argument("token")
    p.add_argument("--store", **store)
    p.set_defaults(func=_token_revoke)


def _audit(sub, store: dict) -> None:
    a = sub.add_parser("audit", help="the audit trail: verify its hash chain")
    ars = a.add_subparsers(dest="action", required=True)
    p = ars.add_parser("verify", help="check every entry against the one before it; exit 1 where the chain breaks")
    p.add_argument("--json", action="store_true", help="print the full report as JSON")
    p.add_argument("--store", **store)
    p.set_defaults(func=_audit_verify)


def _audit_verify(args) -> int:
    from geo_ntm.status.store import is_url, open_store

    if not is_url(args.store) and not Path(args.store).is_file():
        raise InvalidParameterError(f"no store at {args.store}; give --store or set GEO_NTM_STORE")
    report = open_store(args.store).verify_audit()
    if args.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    elif report.ok:
        print(f"audit trail intact: {report.entries} entries; head {report.head} (keep it to compare later)")
    else:
        print(f"audit trail BROKEN: {report.break_count} break(s), first at entry {report.first_break}")
        for b in report.breaks:
            print(f"  entry {b['id']}: {b['problem']}")
    return 0 if report.ok else 1


def _actor() -> str:
    import getpass

    try:
        return f"geo-ntm tokens ({getpass.getuser()})"
    except (KeyError, OSError):  # no login name (a container)
        return "geo-ntm tokens"


def _token_create(args) -> int:
    from geo_ntm.auth.tokens import create_token
    from geo_ntm.status.store import open_store

    token, secret = create_token(open_store(args.store), args.name, args.role, actor=_actor())
    print(f"created token {token.id} ({token.name}, {token.role}, key {token.key_id}); it is shown once:",
          file=sys.stderr)  # fmt: skip
    print(secret)
    return 0


def _token_list(args) -> int:
    from geo_ntm.auth.tokens import list_tokens
    from geo_ntm.status.store import open_store

    tokens = list_tokens(open_store(args.store), include_revoked=not args.active)
    if args.json:
        print(json.dumps([t.as_dict() for t in tokens], ensure_ascii=False, indent=2))
        return 0
    for t in tokens:
        state = f"revoked {t.revoked_at}" if t.revoked_at else "active"
        print(f"{t.id}\t{t.key_id}\t{t.role}\t{t.name}\tcreated {t.created_at}\t{state}")
    return 0


def _token_revoke(args) -> int:
    from geo_ntm.auth.tokens import revoke_token
    from geo_ntm.status.store import open_store

    token = revoke_token(open_store(args.store), args.token, actor=_actor())
    print(f"revoked token {token.id} ({token.name}, {token.role})", file=sys.stderr)
    return 0


def parser(commands: Sequence[Callable] = ()) -> argparse.ArgumentParser:
    """The command line; ``commands`` add more subcommands (the API adds ``serve``: the library runs no server)."""
    top = argparse.ArgumentParser(prog="geo-ntm", description=__doc__.split("\n\n")[0])
    sub = top.add_subparsers(dest="command", required=True)
    for add in commands:
        add(sub)
    _boundaries(sub)
    _status_import(sub)
    _tokens(sub, _store_option())
    _audit(sub, _store_option())
    return top


def main(argv: list[str] | None = None, commands: Sequence[Callable] = ()) -> int:
    args = parser(commands).parse_args(argv)
    try:
        return args.func(args)
    except GeoNtmError as exc:
        print(f"geo-ntm: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
