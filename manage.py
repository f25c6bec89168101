#!/usr/bin/env python
"""Django's command-line utility, with one-line errors for bad configuration."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "municipal_order.settings")
    from django.core.exceptions import ImproperlyConfigured

    try:
        from django.core.management import execute_from_command_line

        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as exc:
        sys.exit(f"Configuration error: {exc}")
    except Exception as exc:
        # A wrong or unreachable DATABASE_URL should read as one line, not a traceback wall.
        from django.db.utils import OperationalError

        if isinstance(exc, OperationalError):
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc)
            sys.exit(f"Database error: {first} (check DATABASE_URL)")
        raise


if __name__ == "__main__":
    main()
