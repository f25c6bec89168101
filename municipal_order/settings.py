"""Settings for the municipal social-order portal.

Everything comes from environment variables with safe defaults, so a fresh clone
runs with zero configuration (SQLite, console e-mail, Celery eager) while
production sets DATABASE_URL, CELERY_BROKER_URL, SECRET_KEY and friends.
`.env.example` lists every variable. The site fails closed: DEBUG is off unless
asked for, and the placeholder secret key refuses to boot without DEBUG.
"""

from __future__ import annotations

import os
import warnings
from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from municipal_order.lib.env import env_bool, env_int, env_list, env_secret, parse_database_url

BASE_DIR = Path(__file__).resolve().parent.parent

PLACEHOLDER_SECRET_KEY = "insecure-development-key-change-me"

DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = env_secret("SECRET_KEY", default=PLACEHOLDER_SECRET_KEY)
if not DEBUG and SECRET_KEY == PLACEHOLDER_SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY is the development placeholder and DEBUG is off. "
        "Set SECRET_KEY (or SECRET_KEY_FILE) to a long random value, or DEBUG=1 for development."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", default=[])
# Links in e-mails and PDFs. Without SITE_URL, the development server's address:
# `PORT=8001 make run` must not send a newcomer's first click to port 8000.
SITE_URL = (
    os.environ.get("SITE_URL") or f"http://127.0.0.1:{os.environ.get('PORT') or '8000'}"
).rstrip("/")
SITE_NAME = os.environ.get("SITE_NAME", "Муниципальный социальный заказ")
# The OCDS prefix of this publisher (docs/opendata.md): a call's ocid is
# "<prefix>-<call id>". Register a prefix with the Open Contracting Partnership before
# publishing for real; once data is out, never change it (every ocid would change).
OCDS_OCID_PREFIX = os.environ.get("OCDS_OCID_PREFIX", "ocds-kgmso1")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "rest_framework",
    "drf_spectacular",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "municipal_order",
    "audit",
    "accounts",
    "documents",
    "notifications",
    "competitions",
    "applications",
    "evaluation",
    "monitoring",
    "opendata",
]

MIDDLEWARE = [
    # First: when a request arrived decides a deadline, not when a worker got to it.
    "municipal_order.lib.clock.RequestArrivalMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "municipal_order.middleware.SecurityHeadersMiddleware",
    # whitenoise; in development it prefers the collected, compressed copy (lib/staticfiles.py).
    "municipal_order.lib.staticfiles.CollectedFirstWhiteNoiseMiddleware",
    "municipal_order.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "municipal_order.middleware.PortalLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "municipal_order.middleware.SessionTimeoutMiddleware",
    "municipal_order.middleware.NotFoundThrottleMiddleware",
    "municipal_order.middleware.PortalNotFoundMiddleware",
    "accounts.middleware.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: turns a login refused for too many failures into the lockout page (T28).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "municipal_order.urls"
WSGI_APPLICATION = "municipal_order.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "municipal_order.context_processors.portal",
            ],
        },
    },
]

# Django's plain widgets written in Python, the same markup at a third of the cost
# (municipal_order/lib/renderers.py); every other form template as before.
FORM_RENDERER = "municipal_order.lib.renderers.FastWidgetRenderer"

# --- Database -----------------------------------------------------------------
# SQLite by default (zero set-up); DATABASE_URL=postgres://… in production and CI.
DATABASES = {
    "default": parse_database_url(
        os.environ.get("DATABASE_URL", ""),
        default_sqlite=BASE_DIR / "var" / "db.sqlite3",
        conn_max_age=env_int("DB_CONN_MAX_AGE", default=60),
    )
}
# A read replica for the national dashboards, exports and open data (docs/operations.md,
# "Scale-out"): those read through `municipal_order.lib.db.reporting()`; everything
# else, and every write, stays on the primary. Tests treat it as the primary.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = {
        **parse_database_url(
            os.environ["DATABASE_REPLICA_URL"],
            default_sqlite=BASE_DIR / "var" / "db.sqlite3",
            conn_max_age=env_int("DB_CONN_MAX_AGE", default=60),
        ),
        "TEST": {"MIRROR": "default"},
    }
    DATABASE_ROUTERS = ["municipal_order.lib.db.PrimaryOnlyRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "mo",
            # A Redis that accepts connections but never answers must not hang requests.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# How long the ministry's dashboard figures are kept (opendata.dashboards.cached_dashboard).
DASHBOARD_CACHE_SECONDS = env_int("DASHBOARD_CACHE_SECONDS", default=300)

# --- Accounts -------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:dashboard"
LOGOUT_REDIRECT_URL = "home"
PASSWORD_RESET_TIMEOUT = 60 * 60  # one hour: a reset link is a credential
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Sign-up confirmation links are valid this long.
ACCOUNT_ACTIVATION_DAYS = env_int("ACCOUNT_ACTIVATION_DAYS", default=3)
# Brute-force protection (T28, django-axes): the portal's and the admin's login alike.
# 10 failures for one account (whatever the address) or from one address (whatever
# the accounts) lock that account or address for 15 minutes; a successful login
# clears the account's count (accounts.auth_events). Unknown e-mails count the same,
# so the lockout tells nothing about which accounts exist.
AUTHENTICATION_BACKENDS = [
    "accounts.backends.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 10
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = False  # axes would also clear the address's count: see above
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # the 15 minutes run from the 10th
AXES_USERNAME_FORM_FIELD = "username"  # both login forms post the e-mail as "username"
AXES_USERNAME_CALLABLE = "accounts.backends.lockout_username"
AXES_CLIENT_IP_CALLABLE = "municipal_order.lib.requests.client_ip"
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
# Log lines name the account and the address (never the password, which axes masks).
AXES_SENSITIVE_PARAMETERS: list[str] = []
# Logins are in the audit trail already (user.logged_in): no second, unbounded table.
AXES_DISABLE_ACCESS_LOG = True
# Two-factor login (T29, django-otp): TOTP for officers, commission members, ministry
# staff and administrators (accounts.two_factor), 10 single-use recovery codes.
# The name the app lists the account under: the portal's mark (the full name would make
# the set-up QR code dense and hard to scan from a screen).
OTP_TOTP_ISSUER = "МСЗ"

# --- Languages and time ---------------------------------------------------------
LANGUAGE_CODE = "ru"
LANGUAGES = [
    ("ru", _("Russian")),
    ("ky", _("Kyrgyz")),
    ("en", _("English")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Bishkek"
USE_TZ = True
# Whose clock judges deadlines: "database" (PostgreSQL's, the same for every web
# server) or "application" (this process's; what SQLite and the tests use).
PORTAL_CLOCK = os.environ.get("PORTAL_CLOCK", "database")
if PORTAL_CLOCK not in {"database", "application"}:
    raise ImproperlyConfigured("PORTAL_CLOCK must be 'database' or 'application'")
LANGUAGE_COOKIE_NAME = "mo_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365

# --- Static and private files -----------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploads and generated documents are private: there is deliberately no MEDIA_URL
# route. Files are served only through permission-checked views.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "private"))
MEDIA_URL = "/private-files-are-not-served/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"base_url": None},  # location: MEDIA_ROOT
    },
    # collectstatic writes a .gz and a .br sibling of each text file, which whitenoise serves
    # to browsers that accept them; development keeps the names unhashed (make run collects).
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedStaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Several web and worker nodes share files through an S3-compatible object store
# (pip install "municipal-order[s3]"; docs/operations.md). Objects stay private.
if os.environ.get("PRIVATE_STORAGE_BUCKET"):
    STORAGES["private"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["PRIVATE_STORAGE_BUCKET"],
            "endpoint_url": os.environ.get("PRIVATE_STORAGE_ENDPOINT_URL") or None,
            "region_name": os.environ.get("PRIVATE_STORAGE_REGION") or None,
            "access_key": os.environ.get("PRIVATE_STORAGE_ACCESS_KEY", ""),
            "secret_key": env_secret("PRIVATE_STORAGE_SECRET_KEY", default=""),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": True,
        },
    }
# In development whitenoise also finds files through the finders, so a fresh clone serves
# without collectstatic and an edit to static/ shows at once; the collected, compressed copy
# is preferred while it is up to date (make run collects; lib/staticfiles.py).
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
if DEBUG:
    warnings.filterwarnings("ignore", message="No directory at", module="whitenoise.base")
# Request limits (T36): a bid form has at most a few hundred fields; files go one
# a request, so 20 files in one request is already abuse. The front proxy caps the
# body at 21 MB (docs/operations.md); Django refuses a single file over 20 MB.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
DATA_UPLOAD_MAX_NUMBER_FILES = 20
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# --- E-mail ----------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_secret("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "portal@sotszakaz.example.kg")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery ----------------------------------------------------------------------
# No broker configured → tasks run inline (eager), so `make run` needs no services.
_BROKER_FROM_ENV = os.environ.get("CELERY_BROKER_URL", "")
# Eager mode still builds (never connects) a producer: give it the in-memory transport.
CELERY_BROKER_URL = _BROKER_FROM_ENV or "memory://localhost/"
# Tasks are fire-and-forget (their outcome lives in their own rows: documents, the
# outbox), so no task stores a result and publishing never touches a result backend.
# With one, Redis down cost every queued task ~19 s inside the request: the Redis
# backend subscribes to the result before sending, retrying 20 × 1 s (issue item 5).
CELERY_TASK_IGNORE_RESULT = True
# The one caller that reads a result is the health round trip (`/healthz?worker=1`,
# `manage.py celery_ping`): `municipal_order.health` opts in with ignore_result=False.
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", _BROKER_FROM_ENV or None)
# …and even that gives up after one quick retry instead of 20 × 1 s.
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {
    "retry_policy": {
        "max_retries": 1,
        "interval_start": 0,
        "interval_step": 0.2,
        "interval_max": 0.2,
    }
}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 1
CELERY_REDIS_SOCKET_TIMEOUT = 5
CELERY_TASK_ALWAYS_EAGER = not _BROKER_FROM_ENV
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", default=300)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", default=240)
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_RESULT_EXPIRES = 60 * 60
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing (in a request, via enqueue()) gives up within about a second: one
# retry after 0.2 s, each connect attempt at most 1 s (transport options below).
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
# AMQP's connect timeout (Redis reads socket_connect_timeout below).
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# Workers and beat are not requests: they keep reconnecting through an outage of any
# length (None = forever) instead of exiting after Celery's default 100 attempts.
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_BEAT_SCHEDULE = {
    "sweep-pending-documents": {
        "task": "documents.tasks.sweep_pending_documents",
        "schedule": 60.0,
    },
    "sweep-pending-emails": {
        "task": "notifications.tasks.sweep_pending_emails",
        "schedule": 60.0,
    },
    "remind-unsubmitted-bids": {
        "task": "applications.tasks.remind_unsubmitted_bids",
        "schedule": 3600.0,
    },
    "verify-bid-documents": {
        "task": "applications.tasks.verify_bid_documents",
        "schedule": 24 * 3600.0,
    },
    "finalize-due-calls": {
        "task": "evaluation.tasks.finalize_due_calls",
        "schedule": 3600.0,
    },
    "send-report-reminders": {
        "task": "monitoring.tasks.send_report_reminders",
        "schedule": 3600.0,
    },
    # The audit chain's head, written outside the database (docs/operations.md).
    "anchor-audit-chain": {
        "task": "audit.tasks.anchor_audit_chain",
        "schedule": 3600.0,
    },
}
# Separate queues on separate worker nodes (docs/operations.md, "Scale-out"): a burst
# of PDFs at a deadline never delays e-mail. Off by default: one worker takes all.
if env_bool("CELERY_SPLIT_QUEUES", default=False):
    CELERY_TASK_ROUTES = {
        "documents.tasks.*": {"queue": "pdf"},
        "notifications.tasks.*": {"queue": "email"},
    }
# A request must never hang on a dead broker: fail fast, the sweeper re-queues.
# max_retries/interval_* bound kombu's connection retries when a producer connects.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
    "socket_connect_timeout": 1,  # Redis sits next to the web servers: it answers in ms
    # A Redis that accepts connections but never answers holds a publish this long
    # (it was 5 s). Workers wait for messages by polling, so no read waits on it.
    "socket_timeout": 2,
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", default=3600),
}
# Who may ask /healthz?worker=1 for the worker round trip (header X-Healthz-Token),
# besides site administrators. Empty: administrators only.
HEALTHZ_TOKEN = env_secret("HEALTHZ_TOKEN", default="")

# --- Public API (opendata/api; docs/opendata.md, "The API") -----------------------
# Read only and open to anyone: every view is a list or a detail that states AllowAny
# itself, so a DRF view that forgets to say who may use it is refused (IsAdminUser).
# JSON only; the browsable API under DEBUG. Requests a minute per address (visitors)
# or per person (signed in), counted in the cache.
API_ANON_PER_MINUTE = env_int("API_ANON_PER_MINUTE", default=60)
API_USER_PER_MINUTE = env_int("API_USER_PER_MINUTE", default=120)
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        *(["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    ],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    # The portal's own session (no passwords or tokens through the API): a signed-in
    # person is counted as a user, not as an address.
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAdminUser"],
    "DEFAULT_THROTTLE_CLASSES": [
        "opendata.api.throttling.AnonThrottle",
        "opendata.api.throttling.UserThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": f"{API_ANON_PER_MINUTE}/min",
        "user": f"{API_USER_PER_MINUTE}/min",
    },
    # 50 a page, ?page_size= up to 200 (opendata/api/pagination.py).
    "DEFAULT_PAGINATION_CLASS": "opendata.api.pagination.PublicPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Municipal social order — public API",
    "VERSION": "1",
    "DESCRIPTION": (
        "Read-only open data of the municipal social-order portal of the Kyrgyz Republic: "
        "territories, announced calls for projects, published results and funded projects. "
        "Anonymous GET requests, JSON, 50 items a page (page_size up to 200), "
        f"{API_ANON_PER_MINUTE} requests a minute per address. The data is published under "
        "CC BY 4.0. Sealed bids before the deadline and personal data are never published. "
        "Each call is also an OCDS 1.1 contracting process under /opendata/ocds/."
    ),
    "LICENSE": {
        "name": "CC BY 4.0 (the data)",
        "url": "https://creativecommons.org/licenses/by/4.0/",
    },
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # Several models have a "status" or a "kind": one named enum each in the schema.
    "ENUM_NAME_OVERRIDES": {
        "CallStatusEnum": "competitions.models.Competition.Status",
        "CallPhaseEnum": "competitions.phases.Phase",
        "RegionKindEnum": "competitions.models.Region.Kind",
        "MunicipalityKindEnum": "competitions.models.Municipality.Kind",
        "ResultStatusEnum": "evaluation.models.BidResult.Status",
        "ProjectStatusEnum": "monitoring.models.Project.Status",
        "ProjectRatingEnum": "monitoring.models.Project.Rating",
        "MilestoneStatusEnum": "monitoring.models.Milestone.Status",
    },
}

# --- Forms -----------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Security --------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", default=60 * 60 * 12)
# Signed out after 30 idle minutes, and 12 hours after logging in at the latest (T30);
# the bid form's autosave keeps the text when that happens.
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_TIMEOUT", default=30 * 60)
SESSION_ABSOLUTE_TIMEOUT = env_int("SESSION_ABSOLUTE_TIMEOUT", default=60 * 60 * 12)
# Answers 404 a person (or an address) may get in a minute before 429 (T2).
NOT_FOUND_LIMIT = env_int("NOT_FOUND_LIMIT", default=60)
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Behind a TLS-terminating proxy in production; off for local http development.
HTTPS = env_bool("HTTPS", default=not DEBUG)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
if HTTPS:
    # "__Host-": the browser accepts these only over TLS, for this host, path "/" (T30).
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
LANGUAGE_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=HTTPS)
# Load balancers probe /healthz over plain HTTP (Django's setting name: SECURE_REDIRECT_EXEMPT).
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", default=31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
# Preloading HSTS is a hard-to-undo commitment for the whole domain (often a shared
# government domain); the operator opts in with SECURE_HSTS_PRELOAD=1.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
# Behind the reverse proxy the client's address is the last X-Forwarded-For entry
# (municipal_order.lib.requests.client_ip); without it, REMOTE_ADDR.
BEHIND_PROXY = env_bool("BEHIND_PROXY", default=False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Logging ---------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "municipal_order.lib.requests.RequestIdLogFilter"},
        "expected_refusals": {"()": "municipal_order.lib.requests.ExpectedRefusalFilter"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["request_id"],
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # A 403 is the portal refusing as designed (a weak role, a sealed bid): one line.
        "django.request": {"filters": ["expected_refusals"]},
        # Failed logins and lockouts are warnings; its per-request bookkeeping is not news.
        "axes": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
    },
}

ADMINS = [("Portal operator", a) for a in env_list("ADMINS", default=[])]
