"""The compiled release of a record: the latest value of every field, by OCDS's merge
rules, which are enough for what this portal publishes:

- releases are merged oldest first (a later value replaces an earlier one);
- objects are merged field by field;
- an array whose items are all objects with an `id` is merged item by item on the
  `id` (new ids appended in order of appearance);
- any other array (strings, tags, roles) is replaced as a whole.

The releases never carry `null` (ocds.py drops them), so no field is ever removed.
"""

from __future__ import annotations

import copy
from typing import Any

Json = dict[str, Any]

# The release's own identity is not merged: the compiled release gets its own.
_OWN_FIELDS = {"id", "date", "tag"}


def _identified(items: list[Any]) -> bool:
    return bool(items) and all(isinstance(i, dict) and "id" in i for i in items)


def _merge(target: Json, source: Json) -> Json:
    for key, value in source.items():
        current = target.get(key)
        if isinstance(value, dict):
            target[key] = _merge(current if isinstance(current, dict) else {}, value)
        elif isinstance(value, list) and _identified(value):
            by_id: dict[Any, Json] = {}
            if isinstance(current, list):
                by_id = {item["id"]: item for item in current if isinstance(item, dict)}
            for item in value:
                by_id[item["id"]] = _merge(by_id.get(item["id"], {}), item)
            target[key] = list(by_id.values())
        else:
            target[key] = copy.deepcopy(value)
    return target


def compile_releases(releases: list[Json]) -> Json:
    """The compiled release of one contracting process (`releases` share an ocid)."""
    ordered = sorted(releases, key=lambda r: r["date"])  # stable: same date, given order
    compiled: Json = {}
    for release in ordered:
        _merge(compiled, {k: v for k, v in release.items() if k not in _OWN_FIELDS})
    latest = ordered[-1]
    compiled["id"] = f"{latest['ocid']}-compiled-{latest['id'].rsplit('-', 1)[-1]}"
    compiled["date"] = latest["date"]
    compiled["tag"] = ["compiled"]
    return compiled
