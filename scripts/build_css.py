"""Build bootstrap.portal.min.css: Bootstrap without the rules that no page of the portal can use.

    python scripts/build_css.py           write it (make css; make setup, run and test do it)
    python scripts/build_css.py --check   exit 1 if the checked-in output is stale (CI)

The input is the full static/vendor/bootstrap/bootstrap.min.css, kept in the repository and
referenced by no template. A style rule is kept when any of its selectors could match a page:
every class the selector requires (outside :not(), :is(), :where() and :has()) is a word that
appears somewhere in what can put a class on a page:

- templates/**/*.html and each app's templates, plus the crispy-bootstrap5 and Django form
  templates that render our forms;
- static/js/*.js;
- the project's Python code (widgets' attrs={"class": ...}, classes passed to templates);
- the classes Bootstrap's JavaScript sets at run time (RUNTIME_CLASSES: show, collapsing, ...).

Words are taken from the whole text, not only from class="..." attributes, so a class named in
a condition or a context variable is kept too. A word ending in a dash ("text-bg-" in
class="text-bg-{{ colour }}") keeps every class it begins. Rules without classes (:root
variables, reboot, element selectors) are always kept, and so are @keyframes, @font-face and
the @media/@supports blocks around kept rules. Over-keeping costs a few kilobytes; a missing
style is a visible bug, so every doubt keeps the rule.

Pure Python on tinycss2 (installed with WeasyPrint); the output is deterministic, and
tests/test_static_build.py fails when it is stale.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

import tinycss2
from tinycss2 import ast

ROOT = Path(__file__).resolve().parents[1]
BOOTSTRAP = ROOT / "static" / "vendor" / "bootstrap"
SOURCE = BOOTSTRAP / "bootstrap.min.css"
OUTPUT = BOOTSTRAP / "bootstrap.portal.min.css"
# The classes Bootstrap 5.3's JavaScript sets at run time (every string literal of
# bootstrap.bundle.min.js that it adds or toggles), kept whatever the templates say. The bundle
# itself is not scanned: it names every component (offcanvas, carousel, toast, ...), and a
# component's rules are needed only when a template uses it.
RUNTIME_CLASSES = {
    "active",
    "carousel-item-end",
    "carousel-item-next",
    "carousel-item-prev",
    "carousel-item-start",
    "collapse",
    "collapse-horizontal",
    "collapsed",
    "collapsing",
    "disabled",
    "dropdown",
    "dropdown-center",
    "dropdown-item",
    "dropdown-menu",
    "dropdown-menu-end",
    "dropend",
    "dropstart",
    "dropup",
    "dropup-center",
    "fade",
    "hide",
    "hiding",
    "modal-backdrop",
    "modal-open",
    "modal-static",
    "offcanvas-backdrop",
    "pointer-event",
    "show",
    "showing",
    "slide",
    # Form validation states, set by the crispy templates and by scripts.
    "was-validated",
    "is-valid",
    "is-invalid",
    "valid-feedback",
    "invalid-feedback",
    "visually-hidden",
    "visually-hidden-focusable",
}
WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
ALWAYS_KEPT_AT_RULES = {"keyframes", "font-face", "charset", "page", "property", "layer"}
WRAPPING_AT_RULES = {"media", "supports", "container", "layer"}
OPTIONAL_FUNCTIONS = {"not", "is", "where", "has"}


def source_files() -> Iterator[Path]:
    """Every file whose words may become a class on a page, in a stable order."""
    yield from sorted((ROOT / "templates").rglob("*.html"))
    # The project's packages (every app, municipal_order), a new app included.
    apps = sorted(p.parent for p in ROOT.glob("*/__init__.py") if p.parent.name != "tests")
    for app in apps:
        yield from sorted(app.rglob("templates/**/*.html"))
        yield from sorted(
            p for p in app.rglob("*.py") if "migrations" not in p.relative_to(ROOT).parts
        )
    yield from sorted((ROOT / "static" / "js").rglob("*.js"))
    import crispy_bootstrap5
    import django.forms

    for package in (crispy_bootstrap5, django.forms):
        yield from sorted((Path(package.__file__).parent / "templates").rglob("*.html"))


def used_words(paths: Iterable[Path]) -> tuple[set[str], tuple[str, ...]]:
    """The words of the given files, and the prefixes (words ending in a dash) among them."""
    words = set(RUNTIME_CLASSES)
    for path in paths:
        words.update(WORD.findall(path.read_text(encoding="utf-8", errors="replace")))
    prefixes = tuple(sorted(w for w in words if w.endswith("-") and len(w.rstrip("-")) >= 2))
    return words, prefixes


def split_selectors(prelude: list) -> list[list]:
    """A rule's selector list, one token list per selector."""
    selectors: list[list] = [[]]
    for token in prelude:
        if token.type == "literal" and token.value == ",":
            selectors.append([])
        else:
            selectors[-1].append(token)
    return [s for s in selectors if any(t.type not in ("whitespace", "comment") for t in s)]


def required_classes(selector: list) -> Iterator[str]:
    """The classes an element must carry for the selector to match it."""
    previous = None
    for token in selector:
        # ".name": a literal dot followed by an identifier. Function blocks (":not(...)",
        # ":is(...)") are single tokens here, so the classes inside them are not required.
        if (
            token.type == "ident"
            and previous is not None
            and previous.type == "literal"
            and previous.value == "."
        ):
            yield token.value
        if token.type == "function" and token.lower_name not in OPTIONAL_FUNCTIONS:
            yield from required_classes(token.arguments)
        previous = token


def selector_is_used(selector: list, words: set[str], prefixes: tuple[str, ...]) -> bool:
    return all(name in words or name.startswith(prefixes) for name in required_classes(selector))


def strip(tokens: list) -> str:
    return tinycss2.serialize(tokens).strip()


def purge(rules: list, words: set[str], prefixes: tuple[str, ...]) -> list[str]:
    """The serialized rules that may match, in their original order."""
    out: list[str] = []
    for rule in rules:
        if isinstance(rule, ast.Comment):
            if rule.value.startswith("!"):  # the licence banner
                out.append(f"/*{rule.value}*/")
        elif isinstance(rule, ast.QualifiedRule):
            kept = [
                strip(s)
                for s in split_selectors(rule.prelude)
                if selector_is_used(s, words, prefixes)
            ]
            if kept:
                out.append(",".join(kept) + "{" + strip(rule.content) + "}")
        elif isinstance(rule, ast.AtRule):
            head = (
                "@" + rule.at_keyword + (" " + strip(rule.prelude) if strip(rule.prelude) else "")
            )
            if rule.content is None:
                out.append(head + ";")
            elif rule.lower_at_keyword in WRAPPING_AT_RULES:
                inner = purge(
                    tinycss2.parse_rule_list(
                        rule.content, skip_comments=False, skip_whitespace=True
                    ),
                    words,
                    prefixes,
                )
                if inner:
                    out.append(head + "{" + "".join(inner) + "}")
            else:
                out.append(head + "{" + strip(rule.content) + "}")
        # Whitespace between rules and parse errors (none in Bootstrap) are dropped.
    return out


def build() -> str:
    words, prefixes = used_words(source_files())
    rules = tinycss2.parse_stylesheet(
        SOURCE.read_text(encoding="utf-8"), skip_comments=False, skip_whitespace=True
    )
    # '@charset' must stay first; sourceMappingURL is dropped (the map is the full file's).
    return "".join(purge(rules, words, prefixes)) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the output is stale")
    args = parser.parse_args(argv)
    css = build()
    current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else None
    if args.check:
        if current != css:
            print(
                f"{OUTPUT.relative_to(ROOT)} is stale: run make css and commit it", file=sys.stderr
            )
            return 1
        return 0
    if current != css:
        OUTPUT.write_text(css, encoding="utf-8")
        print(
            f"{OUTPUT.relative_to(ROOT)}: {len(css.encode()) // 1024} KB "
            f"(from {SOURCE.stat().st_size // 1024} KB)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
