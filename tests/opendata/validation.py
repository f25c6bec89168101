"""Validation of the portal's OCDS output against the vendored 1.1.5 schemas
(opendata/ocds_schema), offline: the schemas' `id` URLs resolve to the local files,
formats (date-time, uri) are checked, and every value of a closed codelist is looked
up in its CSV."""

from __future__ import annotations

import csv
import functools
import json
from pathlib import Path
from typing import Any

from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

SCHEMAS = Path(__file__).resolve().parents[2] / "opendata" / "ocds_schema"
NAMES = (
    "release-schema.json",
    "release-package-schema.json",
    "record-package-schema.json",
    "versioned-release-validation-schema.json",
)


@functools.cache
def _schemas() -> dict[str, dict[str, Any]]:
    return {name: json.loads((SCHEMAS / name).read_text()) for name in NAMES}


@functools.cache
def _registry() -> Registry:
    resources = [
        (schema["id"], Resource.from_contents(schema, default_specification=DRAFT4))
        for schema in _schemas().values()
    ]
    return Registry().with_resources(resources)


def validator(name: str) -> Draft4Validator:
    return Draft4Validator(_schemas()[name], registry=_registry(), format_checker=FormatChecker())


@functools.cache
def codes(codelist: str) -> frozenset[str]:
    with (SCHEMAS / "codelists" / codelist).open(newline="", encoding="utf-8") as f:
        return frozenset(row["Code"] for row in csv.DictReader(f))


def _closed_codelists(node: Any, path: tuple = ()) -> list[tuple[tuple, str]]:
    """(path of properties, codelist) for every closed codelist in the release schema;
    "[]" in a path means "each item of the array"."""
    found = []
    definitions = _schemas()["release-schema.json"]["definitions"]

    def walk(schema: dict[str, Any], path: tuple, seen: frozenset[str]) -> None:
        ref = schema.get("$ref", "")
        if ref.startswith("#/definitions/"):
            name = ref.rsplit("/", 1)[-1]
            if name in seen:
                return
            walk(definitions[name], path, seen | {name})
            return
        if schema.get("codelist") and schema.get("openCodelist") is False:
            found.append((path, schema["codelist"]))
        for key, sub in schema.get("properties", {}).items():
            walk(sub, (*path, key), seen)
        if isinstance(schema.get("items"), dict):
            walk(schema["items"], (*path, "[]"), seen)

    walk(node, path, frozenset())
    return found


@functools.cache
def closed_codelists() -> tuple[tuple[tuple, str], ...]:
    return tuple(_closed_codelists(_schemas()["release-schema.json"]))


def _values(node: Any, path: tuple) -> list[Any]:
    if not path:
        return [node]
    head, rest = path[0], path[1:]
    if head == "[]":
        return (
            [v for item in node or [] for v in _values(item, rest)]
            if isinstance(node, list)
            else []
        )
    if isinstance(node, dict) and head in node:
        return _values(node[head], rest)
    return []


# Open codelists, but the portal means to use only their listed codes.
OPEN_CODELISTS_KEPT = (
    (("parties", "[]", "roles"), "partyRole.csv"),
    (("tender", "awardCriteria"), "awardCriteria.csv"),
    (("tender", "submissionMethod"), "submissionMethod.csv"),
    (("tender", "mainProcurementCategory"), "procurementCategory.csv"),
    (("contracts", "[]", "implementation", "milestones", "[]", "type"), "milestoneType.csv"),
)


def codelist_errors(release: dict[str, Any]) -> list[str]:
    errors = []
    for path, codelist in (*closed_codelists(), *OPEN_CODELISTS_KEPT):
        for value in _values(release, path):
            values = value if isinstance(value, list) else [value]
            for v in values:
                if v is not None and v not in codes(codelist):
                    errors.append(f"{'.'.join(path)}: {v!r} is not in {codelist}")
    return errors


def assert_valid_release_package(package: dict[str, Any]) -> None:
    errors = [e.message for e in validator("release-package-schema.json").iter_errors(package)]
    assert not errors, errors
    for release in package["releases"]:
        assert not codelist_errors(release), codelist_errors(release)


def assert_valid_record_package(package: dict[str, Any]) -> None:
    errors = [e.message for e in validator("record-package-schema.json").iter_errors(package)]
    assert not errors, errors
    for record in package["records"]:
        for release in [*record["releases"], record["compiledRelease"]]:
            assert not codelist_errors(release), codelist_errors(release)
