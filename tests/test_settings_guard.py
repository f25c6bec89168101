"""The settings fail closed, and configuration errors read as one clear line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "DATABASE_URL"}}
    base["DJANGO_SETTINGS_MODULE"] = "municipal_order.settings"
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_it_refuses_the_placeholder_secret_key_without_debug():
    result = run_manage("check")
    assert result.returncode != 0
    assert "SECRET_KEY is the development placeholder" in result.stderr
    assert "Traceback" not in result.stderr


def test_it_starts_with_a_real_secret_key():
    result = run_manage("check", SECRET_KEY="x" * 60)
    assert result.returncode == 0, result.stderr


def test_it_starts_in_debug_with_the_placeholder():
    result = run_manage("check", DEBUG="1")
    assert result.returncode == 0, result.stderr


def test_a_malformed_debug_value_is_one_line():
    result = run_manage("check", DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG='maybe' is not a boolean" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_malformed_database_url_is_one_line():
    result = run_manage("check", DEBUG="1", DATABASE_URL="nosuchdb://x")
    assert result.returncode != 0
    assert "DATABASE_URL is not a valid database URL" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_unreachable_database_is_one_line():
    result = run_manage("migrate", DEBUG="1", DATABASE_URL="postgres://nobody@127.0.0.1:1/none")
    assert result.returncode != 0
    assert result.stderr.startswith("Database error:")
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_secret_key_can_come_from_a_file(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("y" * 60)
    result = run_manage("check", SECRET_KEY_FILE=str(secret))
    assert result.returncode == 0, result.stderr


def test_behind_tls_the_cookies_are_host_only_and_secure():
    """T30: `__Host-` names, Secure, HttpOnly, SameSite=Lax."""
    script = (
        "from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.SESSION_COOKIE_SECURE,"
        " s.SESSION_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE)"
    )
    result = run_manage("shell", "-c", script, SECRET_KEY="x" * 60, HTTPS="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-5:] == [
        "__Host-sessionid",
        "__Host-csrftoken",
        "True",
        "True",
        "Lax",
    ]


def test_deadlines_need_a_known_clock():
    result = run_manage("check", SECRET_KEY="x" * 60, PORTAL_CLOCK="sundial")
    assert result.returncode != 0
    assert "PORTAL_CLOCK" in result.stderr
    assert "Traceback" not in result.stderr


def test_email_links_follow_the_port_of_the_development_server():
    """`PORT=8001 make run`: activation, invitation and receipt links point to 8001."""
    code = "from django.conf import settings; print(settings.SITE_URL)"
    base = {"DEBUG": "1", "SITE_URL": ""}
    on_8001 = run_manage("shell", "-c", code, **base, PORT="8001")
    assert on_8001.stdout.strip().endswith("http://127.0.0.1:8001"), on_8001.stderr
    explicit = run_manage(
        "shell", "-c", code, **{**base, "SITE_URL": "https://mo.kg/"}, PORT="8001"
    )
    assert explicit.stdout.strip().endswith("https://mo.kg")
