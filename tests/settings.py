"""Test settings: the real settings with test-only secrets and fast hashing.

DATABASE_URL / CELERY_BROKER_URL from the environment still apply, so the same
suite runs on SQLite + eager Celery or on PostgreSQL + Redis (see Makefile, .ci/run).
"""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-not-for-production")
os.environ.setdefault("HTTPS", "0")

from municipal_order.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = BASE_DIR / "var" / "test-private"  # noqa: F405
# time-machine moves the application's clock; tests of the database clock opt in.
PORTAL_CLOCK = "application"
CELERY_TASK_ALWAYS_EAGER = True  # tests that need a real worker flip it (tests/test_services.py)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STATIC_ROOT = BASE_DIR / "var" / "test-static"  # noqa: F405
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Tests travel months with time-machine between logging in and the request; the
# session timeouts get their own tests (tests/test_session_security.py).
SESSION_IDLE_TIMEOUT = SESSION_ABSOLUTE_TIMEOUT = 10 * 365 * 24 * 3600
# The URL walker and the matrices ask for many missing pages on purpose.
NOT_FOUND_LIMIT = 10**6
# Links in e-mails, whatever PORT the developer's shell has.
SITE_URL = "http://127.0.0.1:8000"
# Each test sees its own figures: the cache (shared by the whole run) keeps none, but in
# the test of the cache itself (tests/opendata/test_dashboards.py).
DASHBOARD_CACHE_SECONDS = 0
