#!/usr/bin/env python3
"""Take screenshots of portal pages with Debian's chromium (for README and review).

Usage: .venv/bin/python scripts/screenshots.py BASE_URL OUT_DIR [path[@user] ...]
  e.g. scripts/screenshots.py http://127.0.0.1:8000 docs/screenshots / /municipalities/
       /accounts/@officer.alamudun@demo.kg
Each page is taken at desktop width (1280) and phone width (360), in the language
given by ?lang=… appended to the name (ru by default). Users log in with the demo password.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

DEMO_PASSWORD = "demo-portal-2026"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def main() -> None:
    base, out, *targets = sys.argv[1:]
    out_dir = Path(out)
    out_dir.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for target in targets:
            path, _, user = target.partition("@")
            lang = "ru"
            if "#" in path:
                path, lang = path.split("#", 1)
            for label, viewport in (("desktop", (1280, 900)), ("phone", (360, 740))):
                context = browser.new_context(
                    viewport={"width": viewport[0], "height": viewport[1]},
                    locale=lang,
                    timezone_id="Asia/Bishkek",
                )
                context.add_cookies([{"name": "mo_language", "value": lang, "url": base}])
                page = context.new_page()
                if user:
                    page.goto(base + "/accounts/login/")
                    page.fill("input[name=username]", user)
                    page.fill("input[name=password]", DEMO_PASSWORD)
                    page.click("main form button[type=submit]")
                    page.wait_for_load_state()
                    context.add_cookies([{"name": "mo_language", "value": lang, "url": base}])
                page.goto(base + path)
                page.wait_for_load_state("networkidle")
                slug = re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "home"
                name = out_dir / f"{slug}-{lang}-{label}.png"
                page.screenshot(path=str(name), full_page=True)
                print(name)
                context.close()
        browser.close()


if __name__ == "__main__":
    main()
