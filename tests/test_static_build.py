"""The purged Bootstrap (scripts/build_css.py) is up to date and keeps what the pages use."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest
import tinycss2

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def build_css():
    spec = importlib.util.spec_from_file_location("build_css", ROOT / "scripts" / "build_css.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def built(build_css):
    return build_css.build()


def test_it_is_checked_in_up_to_date(build_css, built):
    assert build_css.OUTPUT.exists(), f"{build_css.OUTPUT.name} is missing: run make css"
    current = build_css.OUTPUT.read_text(encoding="utf-8")
    if current != built:  # no diff of two 80 KB lines
        pytest.fail(
            f"{build_css.OUTPUT.relative_to(ROOT)} is stale (a template, script or form now uses "
            "other classes): run make css and commit the result"
        )


def test_the_pages_use_it_and_not_the_full_bootstrap():
    base = (ROOT / "templates" / "base.html").read_text(encoding="utf-8")
    assert "vendor/bootstrap/bootstrap.portal.min.css" in base
    for template in (ROOT / "templates").rglob("*.html"):
        assert "bootstrap.min.css" not in template.read_text(encoding="utf-8"), template


def test_it_is_much_smaller_than_the_full_bootstrap(build_css, built):
    assert len(built.encode()) < 0.6 * build_css.SOURCE.stat().st_size


def test_it_keeps_the_licence_variables_reboot_and_runtime_classes(built):
    assert built.startswith('@charset "UTF-8";/*!')
    assert "Licensed under MIT" in built
    assert ":root,[data-bs-theme=light]{" in built  # the custom properties
    assert "sourceMappingURL" not in built  # the map is the full file's
    for selector in (
        "body{",  # reboot
        ".collapse:not(.show){",
        ".collapsing{",
        ".fade:not(.show){",
        ".dropdown-menu.show{",
        ".navbar-collapse{",
        ".form-control{",
        ".is-invalid",
        ".invalid-feedback{",
        ".alert-danger{",
        ".visually-hidden-focusable:not(:focus):not(:focus-within)",
        "@keyframes",
    ):
        assert selector in built, selector


def test_it_keeps_a_rule_when_any_class_comes_from_a_template_script_or_form(build_css):
    words, prefixes = build_css.used_words([])
    words |= {"card", "text-bg-"}
    prefixes = (*prefixes, "text-bg-")
    sheet = (
        ".card{a:1}.card .tooltip{b:2}.nav:not(.card){c:3}.text-bg-success{d:4}"
        "@media (min-width:768px){.card,.popover{e:5}.popover{f:6}}h1{g:7}"
    )
    rules = tinycss2.parse_stylesheet(sheet, skip_whitespace=True)
    assert "".join(build_css.purge(rules, words, prefixes)) == (
        ".card{a:1}.text-bg-success{d:4}@media (min-width:768px){.card{e:5}}h1{g:7}"
    )


def test_the_class_words_of_the_templates_are_in_the_build_input(build_css):
    """Every class attribute word of templates/ is found by the scan (the scan reads them)."""
    words, _ = build_css.used_words(build_css.source_files())
    for template in (ROOT / "templates").rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        for attribute in re.findall(r'class="([^"{}]*)"', text):
            for name in attribute.split():
                assert name in words, (template, name)


def test_development_prefers_the_compressed_collected_copy_while_it_is_fresh(tmp_path, settings):
    """make run collects; whitenoise then serves the .gz/.br siblings (lib/staticfiles.py)."""
    import gzip
    import os

    from municipal_order.lib.staticfiles import CollectedFirstWhiteNoiseMiddleware

    source = ROOT / "static" / "css" / "portal.css"
    collected = tmp_path / "css" / "portal.css"
    collected.parent.mkdir()
    collected.write_bytes(source.read_bytes())
    (tmp_path / "css" / "portal.css.gz").write_bytes(gzip.compress(source.read_bytes()))
    settings.STATIC_ROOT = tmp_path
    settings.WHITENOISE_USE_FINDERS = settings.WHITENOISE_AUTOREFRESH = True
    middleware = CollectedFirstWhiteNoiseMiddleware(lambda request: None)
    url = settings.STATIC_URL + "css/portal.css"
    assert next(middleware.candidate_paths_for_url(url)) == str(collected)

    stat = source.stat()
    os.utime(collected, (stat.st_atime, stat.st_mtime - 60))  # the source was edited since
    assert next(middleware.candidate_paths_for_url(url)) == str(source)
