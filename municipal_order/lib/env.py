"""Typed readers for environment variables, used only by settings.py."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, cast

from django.core.exceptions import ImproperlyConfigured

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, *, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use 1/0, true/false, yes/no).")


def env_int(name: str, *, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None


def env_list(name: str, *, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_secret(name: str, *, default: str) -> str:
    """Read NAME, or the contents of the file named by NAME_FILE (Docker/K8s secrets)."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        try:
            return Path(path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE={path!r} cannot be read: {exc}") from None
    return os.environ.get(name, default)


def parse_database_url(url: str, *, default_sqlite: Path, conn_max_age: int) -> dict[str, Any]:
    """Turn DATABASE_URL into Django's DATABASES entry, with one clear error line."""
    if not url:
        default_sqlite.parent.mkdir(parents=True, exist_ok=True)
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(default_sqlite),
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    import dj_database_url

    try:
        config = dj_database_url.parse(url, conn_max_age=conn_max_age, conn_health_checks=True)
    except (ValueError, KeyError) as exc:
        raise ImproperlyConfigured(
            f"DATABASE_URL is not a valid database URL ({exc}). "
            "Expected e.g. postgres://user:password@127.0.0.1:5432/municipal_order"
        ) from None
    if config.get("ENGINE") == "django.db.backends.postgresql":
        config.setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
    # dj_database_url types it as its DBConfig TypedDict; settings want a plain dict.
    return cast("dict[str, Any]", config)
