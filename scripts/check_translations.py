#!/usr/bin/env python3
"""Fail when the ru or ky catalogue has an untranslated or fuzzy message, or a
translation whose placeholders do not match its message (msgfmt --check-format: the
catalogue would not compile).

Uses gettext's msgattrib and msgfmt (installed with gettext, which compilemessages
needs anyway).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REQUIRED = ["ru", "ky"]


def problems(po: Path, flag: str) -> list[str]:
    out = subprocess.run(
        ["msgattrib", flag, "--no-wrap", str(po)], capture_output=True, text=True, check=True
    ).stdout
    ids = [line[7:-1] for line in out.splitlines() if line.startswith('msgid "')]
    return [i for i in ids if i]


def main() -> int:
    failed = False
    for lang in REQUIRED:
        for po in sorted((ROOT / "locale" / lang / "LC_MESSAGES").glob("*.po")):
            for flag, label in (("--untranslated", "untranslated"), ("--only-fuzzy", "fuzzy")):
                found = problems(po, flag)
                if found:
                    failed = True
                    print(f"{po.relative_to(ROOT)}: {len(found)} {label}:")
                    for msgid in found[:20]:
                        print(f"    {msgid}")
            checked = subprocess.run(
                ["msgfmt", "--check-format", "-o", "/dev/null", str(po)],
                capture_output=True,
                text=True,
            )
            if checked.returncode:
                failed = True
                print(f"{po.relative_to(ROOT)}: placeholders differ:\n{checked.stderr}")
    if not failed:
        print("translations complete: " + ", ".join(REQUIRED))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
