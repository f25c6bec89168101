"""Dependencies point one way (docs/architecture.md): no module imports a later layer.

Every import in every module is checked, function-level ones included, with `ast`
(nothing is imported to check it). The chain:

    municipal_order.lib → audit → documents | notifications → accounts → competitions
        → applications → evaluation → monitoring → opendata → municipal_order (project)

A later app shows itself in an earlier app's pages through the registries the earlier
app offers (competitions.extensions, documents.registry, notifications.events).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Layer of each top-level package; peers share a number and may not import each other.
LAYERS = {
    "municipal_order.lib": 0,
    "audit": 1,
    "documents": 2,
    "notifications": 2,
    "accounts": 3,
    "competitions": 4,
    "applications": 5,
    "evaluation": 6,
    "monitoring": 7,
    "opendata": 8,
    "municipal_order": 9,  # the project package: settings, urls, roles, demo data
}


def layer_of(module: str) -> str | None:
    """The LAYERS key a dotted module name belongs to (the longest matching prefix)."""
    for name in sorted(LAYERS, key=len, reverse=True):
        if module == name or module.startswith(name + "."):
            return name
    return None


def modules(root: Path) -> list[Path]:
    found = []
    for name in LAYERS:
        base = root / name.replace(".", "/")
        if base.is_dir():
            found += [p for p in base.rglob("*.py") if "migrations" not in p.parts]
    return sorted(set(found))


def imports_of(path: Path, root: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(), filename=str(path))
    package = ".".join(path.relative_to(root).with_suffix("").parts[:-1])
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the module's package
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - (node.level - 1)])
                module = ".".join(filter(None, [base, node.module]))
            else:
                module = node.module or ""
            found.append((node.lineno, module))
            # `from competitions import services` names a submodule: check it too.
            found += [(node.lineno, f"{module}.{alias.name}") for alias in node.names]
    return found


def violations(root: Path = ROOT) -> list[str]:
    found = []
    for path in modules(root):
        own = layer_of(".".join(path.relative_to(root).with_suffix("").parts))
        for line, module in imports_of(path, root):
            target = layer_of(module)
            if target is None or target == own:
                continue
            if LAYERS[target] >= LAYERS[own]:
                found.append(f"{path.relative_to(root)}:{line} ({own}) imports {module}")
    return found


def test_no_module_imports_a_later_layer():
    assert violations() == []


def test_the_walker_sees_function_level_and_relative_imports(tmp_path):
    (tmp_path / "competitions" / "views").mkdir(parents=True)
    (tmp_path / "competitions" / "views" / "probe.py").write_text(
        "def f():\n    from applications.models import Bid\n    return Bid\n"
    )
    (tmp_path / "audit" / "probe.py").parent.mkdir()
    (tmp_path / "audit" / "probe.py").write_text("from ..notifications import services\n")
    (tmp_path / "municipal_order" / "lib").mkdir(parents=True)
    (tmp_path / "municipal_order" / "lib" / "probe.py").write_text("import competitions\n")
    assert violations(tmp_path) == [
        "audit/probe.py:1 (audit) imports notifications",
        "audit/probe.py:1 (audit) imports notifications.services",
        "competitions/views/probe.py:2 (competitions) imports applications.models",
        "competitions/views/probe.py:2 (competitions) imports applications.models.Bid",
        "municipal_order/lib/probe.py:1 (municipal_order.lib) imports competitions",
    ]


@pytest.mark.parametrize(
    ("module", "layer"),
    [
        ("municipal_order.lib.clock", "municipal_order.lib"),
        ("municipal_order.roles", "municipal_order"),
        ("applications.services.drafting", "applications"),
        ("django.db", None),
    ],
)
def test_layers_are_matched_by_longest_prefix(module, layer):
    assert layer_of(module) == layer
