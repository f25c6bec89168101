#!/usr/bin/env python3
"""Take screenshots of portal pages with Debian's chromium (for README and review).

Usage: .venv/bin/python scripts/screenshots.py BASE_URL OUT_DIR [path[@user] ...]
  e.g. scripts/screenshots.py http://127.0.0.1:8000 docs/screenshots / /municipalities/
       /accounts/@officer.alamudun@demo.kg
Each page is taken at desktop width (1280) and phone width (360), in the language
given by #lang appended to the path (ru by default); with ~WIDTH (e.g. /path~1440#ru)
only the first screen at that width is taken, as someone at such a monitor sees it.
Users log in with the demo password and, where the portal asks for it, the demo
authenticator's code (README, "Demo logins");
each user logs in once, since a code is accepted once per account.
"""

from __future__ import annotations

import base64
import re
import sys
from pathlib import Path

from django_otp.oath import TOTP
from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from municipal_order.demo.data import DEMO_PASSWORD, DEMO_TOTP_SECRET

ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def log_in(browser, base: str, user: str) -> dict:
    """Sign in once (password, then the code if asked); returns the storage state."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(base + "/accounts/login/")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    if page.locator("input[name=code]").count():
        page.fill("input[name=code]", f"{TOTP(base64.b32decode(DEMO_TOTP_SECRET)).token():06d}")
        page.click("main form button[type=submit]")
        page.wait_for_load_state()
    state = context.storage_state()
    context.close()
    return state


def main() -> None:
    base, out, *targets = sys.argv[1:]
    out_dir = Path(out)
    out_dir.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        states: dict[str, dict] = {}
        for target in targets:
            path, _, user = target.partition("@")
            lang = "ru"
            if "#" in path:
                path, lang = path.split("#", 1)
            path, _, width = path.partition("~")
            if user and user not in states:
                states[user] = log_in(browser, base, user)
            sizes = [("desktop", (1280, 900)), ("phone", (360, 740))]
            if width:
                sizes = [(f"w{width}", (int(width), 900))]
            for label, viewport in sizes:
                context = browser.new_context(
                    viewport={"width": viewport[0], "height": viewport[1]},
                    locale=lang,
                    timezone_id="Asia/Bishkek",
                    storage_state=states.get(user),
                )
                context.add_cookies([{"name": "mo_language", "value": lang, "url": base}])
                page = context.new_page()
                page.goto(base + path)
                page.wait_for_load_state("networkidle")
                slug = re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "home"
                name = out_dir / f"{slug}-{lang}-{label}.png"
                page.screenshot(path=str(name), full_page=not width)
                print(name)
                context.close()
        browser.close()


if __name__ == "__main__":
    main()
