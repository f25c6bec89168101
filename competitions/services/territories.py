"""Import of the territorial reference data (regions, districts, municipalities).

One CSV, one row a unit, keyed on `code` (see competitions/data/territories.csv):

    type,code,parent,kind,name_ru,name_ky,name_en,valid_from,valid_to,successor,population,source

- type: region | district | municipality
- parent: nothing for a region; the region code for a district; the district code
  (or, for cities outside districts, the region code) for a municipality
- kind: oblast | city for regions; ayil_aimak | city for municipalities
- valid_from / valid_to: ISO dates or empty; successor: the code of the unit an
  abolished municipality merged into (it may come later in the file)

The import is idempotent and all-or-nothing: any error names its line and writes
nothing; a second run with the same file reports every row unchanged.
"""

from __future__ import annotations

import csv
import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from audit.services import record
from competitions.models import District, Municipality, Region
from municipal_order.lib.actors import Actor, By

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "territories.csv"
COLUMNS = [
    "type",
    "code",
    "parent",
    "kind",
    "name_ru",
    "name_ky",
    "name_en",
    "valid_from",
    "valid_to",
    "successor",
    "population",
    "source",
]


class TerritoryImportError(Exception):
    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass
class ImportReport:
    created: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    updated: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    unchanged: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    changes: list[str] = field(default_factory=list)

    def summary(self) -> list[str]:
        return [
            f"{kind}: {self.created[kind]} created, {self.updated[kind]} updated, "
            f"{self.unchanged[kind]} unchanged"
            for kind in ("regions", "districts", "municipalities")
        ]

    @property
    def changed(self) -> bool:
        return any(self.created.values()) or any(self.updated.values())


def read_rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [
            c for c in ("type", "code", "name_ru", "name_ky") if c not in (reader.fieldnames or [])
        ]
        if missing:
            raise TerritoryImportError([f"{path.name}: missing columns {', '.join(missing)}"])
        return [
            (number, {k: (v or "").strip() for k, v in row.items() if k})
            for number, row in enumerate(reader, start=2)
        ]


def _date(value: str, line: int, column: str, errors: list[str]) -> datetime.date | None:
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        errors.append(f"line {line}: {column} {value!r} is not a date (YYYY-MM-DD)")
        return None


def _upsert(model, code: str, values: dict[str, Any], kind: str, report: ImportReport):
    obj = model.objects.filter(code=code).first()
    if obj is None:
        obj = model.objects.create(code=code, **values)
        report.created[kind] += 1
        return obj, {"created": True}
    diff = {}
    for name, value in values.items():
        current = getattr(obj, name if not hasattr(value, "pk") else f"{name}_id")
        new = value.pk if hasattr(value, "pk") else value
        if current != new:
            diff[name] = (current, new)
            setattr(obj, name, value)
    if diff:
        obj.save(update_fields=list(diff))
        report.updated[kind] += 1
        report.changes.append(
            f"{kind[:-1] if kind != 'municipalities' else 'municipality'} {code}: "
            + ", ".join(f"{k} {old!r} → {new!r}" for k, (old, new) in diff.items())
        )
    else:
        report.unchanged[kind] += 1
    return obj, diff


@transaction.atomic
def import_territories(path: Path = DEFAULT_PATH, *, by: By | None = None) -> ImportReport:
    rows = read_rows(Path(path))
    report = ImportReport()
    errors: list[str] = []
    seen: set[str] = set()
    by_type: dict[str, list[tuple[int, dict[str, str]]]] = defaultdict(list)
    for line, row in rows:
        if row["type"] not in {"region", "district", "municipality"}:
            errors.append(
                f"line {line}: type {row['type']!r} is not region, district or municipality"
            )
            continue
        if not row["code"] or not row["name_ru"] or not row["name_ky"]:
            errors.append(f"line {line}: code, name_ru and name_ky are required")
            continue
        key = f"{row['type']}:{row['code']}"
        if key in seen:
            errors.append(f"line {line}: {row['type']} {row['code']} appears twice")
        seen.add(key)
        by_type[row["type"]].append((line, row))

    file_regions = {row["code"] for _, row in by_type["region"]}
    file_districts = {row["code"]: row["parent"] for _, row in by_type["district"]}
    file_municipalities = {row["code"] for _, row in by_type["municipality"]}
    known_regions = file_regions | set(Region.objects.values_list("code", flat=True))
    known_districts = set(file_districts) | set(District.objects.values_list("code", flat=True))
    known_municipalities = file_municipalities | set(
        Municipality.objects.values_list("code", flat=True)
    )

    for line, row in by_type["region"]:
        if row["kind"] not in Region.Kind.values:
            errors.append(f"line {line}: region kind {row['kind']!r} is not oblast or city")
    for line, row in by_type["district"]:
        if row["parent"] not in known_regions:
            errors.append(f"line {line}: district {row['code']}: unknown region {row['parent']!r}")
    for line, row in by_type["municipality"]:
        if row["kind"] not in Municipality.Kind.values:
            errors.append(
                f"line {line}: municipality kind {row['kind']!r} is not ayil_aimak or city"
            )
        if row["parent"] not in known_districts and row["parent"] not in known_regions:
            errors.append(
                f"line {line}: municipality {row['code']}: "
                f"unknown district or region {row['parent']!r}"
            )
        valid_from = _date(row.get("valid_from", ""), line, "valid_from", errors)
        valid_to = _date(row.get("valid_to", ""), line, "valid_to", errors)
        if valid_from and valid_to and valid_to < valid_from:
            errors.append(f"line {line}: valid_to {valid_to} is before valid_from {valid_from}")
        # Its code here; the Municipality itself in the second pass below.
        successor: str | Municipality | None = row.get("successor", "")
        if successor and successor not in known_municipalities:
            errors.append(f"line {line}: unknown successor {successor!r}")
        if successor == row["code"]:
            errors.append(f"line {line}: a municipality cannot be its own successor")
        population = row.get("population", "")
        if population and not population.isdigit():
            errors.append(f"line {line}: population {population!r} is not a whole number")
    if errors:
        raise TerritoryImportError(errors)

    regions = {}
    for _line, row in by_type["region"]:
        regions[row["code"]], _ = _upsert(
            Region,
            row["code"],
            {k: row.get(k, "") for k in ("kind", "name_ru", "name_ky", "name_en")},
            "regions",
            report,
        )

    def region(code: str) -> Region:
        if code not in regions:
            regions[code] = Region.objects.get(code=code)
        return regions[code]

    districts = {}
    for _line, row in by_type["district"]:
        districts[row["code"]], _ = _upsert(
            District,
            row["code"],
            {
                "region": region(row["parent"]),
                **{k: row.get(k, "") for k in ("name_ru", "name_ky", "name_en")},
            },
            "districts",
            report,
        )

    def district(code: str) -> District | None:
        if code in districts:
            return districts[code]
        return District.objects.filter(code=code).first()

    # Two passes: successors may be defined further down the file.
    created_now: set[str] = set()
    untouched: set[str] = set()
    for _line, row in by_type["municipality"]:
        parent_district = district(row["parent"])
        _obj, diff = _upsert(
            Municipality,
            row["code"],
            {
                "kind": row["kind"],
                "region": parent_district.region if parent_district else region(row["parent"]),
                "district": parent_district,
                "name_ru": row["name_ru"],
                "name_ky": row["name_ky"],
                "name_en": row.get("name_en", ""),
                "valid_from": _date(row.get("valid_from", ""), 0, "", []),
                "valid_to": _date(row.get("valid_to", ""), 0, "", []),
                "population": int(row["population"]) if row.get("population") else None,
                "source": row.get("source", ""),
            },
            "municipalities",
            report,
        )
        if diff.get("created"):
            created_now.add(row["code"])
        elif not diff:
            untouched.add(row["code"])
    for _line, row in by_type["municipality"]:
        municipality = Municipality.objects.get(code=row["code"])
        successor = (
            Municipality.objects.get(code=row["successor"]) if row.get("successor") else None
        )
        if municipality.successor_id != (successor.pk if successor else None):
            municipality.successor = successor
            municipality.save(update_fields=["successor"])
            if municipality.code in untouched:
                report.unchanged["municipalities"] -= 1
                report.updated["municipalities"] += 1
            if municipality.code not in created_now:
                report.changes.append(
                    f"municipality {municipality.code}: successor → "
                    f"{successor.code if successor else None!r}"
                )

    if report.changed:
        anchor = Region.objects.order_by("pk").first()
        if anchor is not None:
            record(
                "territories.imported",
                anchor,
                by=by or Actor.system("import_territories"),
                after={"file": Path(path).name, "summary": report.summary()},
            )
    return report
