"""imcase settings: one module, every deployment-specific value read from the environment.

See README.md ("Configuration") for the variables. Defaults are for the local demo run:
SQLite, no broker (Celery runs tasks inline), console e-mail.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from kombu import Queue

from imcase.env import env_bool, env_decimal, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)

_DEV_SECRET = "insecure-demo-key-only-for-debug-runs-0123456789abcdefghijklmnopqrstuvwxyz"
SECRET_KEY = env_str("SECRET_KEY", _DEV_SECRET if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY muss gesetzt sein, wenn DEBUG nicht aktiv ist.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

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
    "axes",
    "csp",
    "simple_history",
    "imcase.organisation",
    "imcase.audit",
    "imcase.web",
    "imcase.alerts",
    "imcase.exports",
    "imcase.operations",
    "clients",
    "plans",
    "funding",
    "reporting",
    "devtools",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "imcase.web.middleware.SessionRefreshMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "imcase.web.middleware.SecurityHeadersMiddleware",
    "imcase.web.middleware.AdminSiteGateMiddleware",
    # Axes must come last: it turns a locked-out login into the lockout page.
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

# Prometheus metrics (django-prometheus: requests, responses, latencies per view) at /metrics,
# only for the addresses in METRICS_ALLOWED_IPS (the scraper; block /metrics at the proxy too).
METRICS_ENABLED = env_bool("METRICS_ENABLED", False)
METRICS_ALLOWED_IPS = env_list("METRICS_ALLOWED_IPS", ["127.0.0.1", "::1"])
if METRICS_ENABLED:
    INSTALLED_APPS.append("django_prometheus")
    MIDDLEWARE = [
        "django_prometheus.middleware.PrometheusBeforeMiddleware",
        *MIDDLEWARE,
        "django_prometheus.middleware.PrometheusAfterMiddleware",
    ]

ROOT_URLCONF = "imcase.urls"
WSGI_APPLICATION = "imcase.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "imcase.web.context_processors.navigation",
                "imcase.alerts.context_processors.open_alerts",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------
# SQLite is only the embedded default for the demo run; tests and production use PostgreSQL.
DATABASE_URL = env_str("DATABASE_URL", "")
if not DATABASE_URL:
    (BASE_DIR / "var").mkdir(exist_ok=True)
    DATABASE_URL = f"sqlite:///{BASE_DIR / 'var' / 'imcase.sqlite3'}"
try:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL ist ungültig: {exc}") from exc
if DATABASES["default"]["ENGINE"] not in (
    "django.db.backends.postgresql",
    "django.db.backends.sqlite3",
):
    raise ImproperlyConfigured("DATABASE_URL muss auf PostgreSQL oder SQLite zeigen.")
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Without PostgreSQL's JIT compiler: it compiled each large aggregate and each correlated
    # subquery over all clients (the Kennzahlen, the nightly checks) anew, which took longer
    # than running it (1.4 of 3.3 s in the check "no contact for 90 days" at 50,000 clients).
    # Changes no result. A pooler that refuses start-up options: `ALTER ROLE … SET jit = off`
    # and `?options=` in DATABASE_URL (which this default leaves alone).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Celery -------------------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL", "")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
# Without a broker (the demo run) tasks run inline, in the request that enqueues them.
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = "Europe/Berlin"
CELERY_ENABLE_UTC = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 900)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 840)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A web request that enqueues a task must not hang when Redis is unreachable.
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 3}
# One queue per kind of work, so that a large installation runs workers per queue
# (``celery -A imcase worker -Q nightly``); a worker started without -Q takes all of them.
# CELERY_QUEUE_PREFIX keeps two installations (or test runs) on one Redis apart.
CELERY_QUEUE_PREFIX = env_str("CELERY_QUEUE_PREFIX", "")
CELERY_QUEUES_BY_KIND = {
    kind: f"{CELERY_QUEUE_PREFIX}{kind}" for kind in ("celery", "nightly", "exports", "imports")
}
CELERY_TASK_DEFAULT_QUEUE = CELERY_QUEUES_BY_KIND["celery"]
CELERY_TASK_QUEUES = [Queue(name) for name in CELERY_QUEUES_BY_KIND.values()]
# Beat keeps its schedule and last runs in Redis, not on a local disk, and holds a lock there:
# a second beat (another machine, a restarted container) waits as a standby instead of sending
# the nightly jobs twice (celery-redbeat).
if REDIS_URL:
    CELERY_BEAT_SCHEDULER = "redbeat.RedBeatScheduler"
    CELERY_REDBEAT_REDIS_URL = REDIS_URL
    CELERY_REDBEAT_KEY_PREFIX = f"{CELERY_QUEUE_PREFIX}redbeat:"
    # A standby beat tries the lock once per loop interval; a beat that died without
    # releasing it loses it after five intervals.
    CELERY_BEAT_MAX_LOOP_INTERVAL = env_int("BEAT_INTERVAL_SECONDS", 60, minimum=1, maximum=300)
    CELERY_REDBEAT_LOCK_TIMEOUT = 5 * CELERY_BEAT_MAX_LOOP_INTERVAL
CELERY_TASK_ROUTES = {
    "imcase.alerts.tasks.*": {"queue": CELERY_QUEUES_BY_KIND["nightly"]},
    "imcase.exports.tasks.delete_expired_files": {"queue": CELERY_QUEUES_BY_KIND["nightly"]},
    "imcase.exports.tasks.generate_file": {"queue": CELERY_QUEUES_BY_KIND["exports"]},
    "clients.tasks.*": {"queue": CELERY_QUEUES_BY_KIND["imports"]},
    "reporting.tasks.precompute_tables": {"queue": CELERY_QUEUES_BY_KIND["nightly"]},
    "reporting.tasks.recompute_table": {"queue": CELERY_QUEUES_BY_KIND["exports"]},
}

# --- Nightly jobs, alerts, exports, retention ---------------------------------------------
# Public address of the site, for links in e-mails (the nightly digest has no request).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
if not SITE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured("SITE_URL muss mit http:// oder https:// beginnen.")
# Alerts that were done or became obsolete are deleted after this many days.
ALERT_KEEP_DAYS = env_int("ALERT_KEEP_DAYS", 365)
# Generated export files (they hold personal data) are deleted after this many hours.
EXPORT_KEEP_HOURS = env_int("EXPORT_KEEP_HOURS", 24)
# Personal data of cases closed longer ago than this is anonymised by the nightly job.
# Default 7 years: a case counts in the figures of the year it closes; that year's
# Verwendungsnachweis follows in the next year and its records must be kept five years after
# submission (ANBest-P Nr. 6.9), so seven years after closing covers every closing date.
RETENTION_DAYS = env_int("RETENTION_DAYS", 2557)
if RETENTION_DAYS < 365:
    raise ImproperlyConfigured(
        "RETENTION_DAYS muss mindestens 365 sein (Daten abgeschlossener Fälle werden "
        "danach unwiderruflich anonymisiert)."
    )

# --- Authentication and security ----------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Lockout after repeated failed logins (django-axes), per user name and address.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# Session ends after inactivity: every request pushes the expiry forward.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 30) * 60
# The idle timeout: saved at most once a minute on activity (SessionRefreshMiddleware), not
# on every request (an UPDATE and a commit per page).
SESSION_SAVE_EVERY_REQUEST = False
SESSION_REFRESH_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# The load balancer probes liveness and readiness over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY", False) else None
)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG

# Content-Security-Policy: only our own vendored files, no inline scripts anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- Language, time, formats --------------------------------------------------------------
LANGUAGE_CODE = "de"
LANGUAGES = [("de", "Deutsch")]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
FORMAT_MODULE_PATH = ["imcase.formats"]

# --- Caches ------------------------------------------------------------------------------------
# "computed": results that are expensive to compute and keyed by the data fingerprint (the
# dashboard's charts, see reporting/stored.py), in a database table so that every web node
# and the nightly precomputation share them and they survive a restart.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "computed": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "imcase_computed_cache",
        "TIMEOUT": 2 * 24 * 3600,
        "OPTIONS": {"MAX_ENTRIES": 20000, "CULL_FREQUENCY": 4},
    },
}

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Generated and uploaded files (exports, submissions, imports) go through Django's storage API:
# a local directory (MEDIA_ROOT, shared by all nodes, e.g. NFS) or an S3-compatible object store
# (MinIO, a Land data centre's S3) with STORAGE_BACKEND=s3 (django-storages).
STORAGE_BACKEND = env_str("STORAGE_BACKEND", "filesystem")
if STORAGE_BACKEND == "filesystem":
    DEFAULT_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
elif STORAGE_BACKEND == "s3":
    DEFAULT_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("S3_BUCKET"),
            "endpoint_url": env_str("S3_ENDPOINT_URL", "") or None,
            "access_key": env_str("S3_ACCESS_KEY_ID"),
            "secret_key": env_str("S3_SECRET_ACCESS_KEY"),
            "region_name": env_str("S3_REGION", "") or None,
            # Files are personal data: private, never overwritten, never a public URL.
            "default_acl": None,
            "file_overwrite": False,
            "querystring_auth": True,
            "location": env_str("S3_PREFIX", ""),
        },
    }
else:
    raise ImproperlyConfigured("STORAGE_BACKEND muss „filesystem“ oder „s3“ sein.")
STORAGES = {
    "default": DEFAULT_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Integrationsplan -----------------------------------------------------------------------
# Months from the agreement of a plan to its next review (the proposed default).
PLAN_REVIEW_MONTHS = env_int("PLAN_REVIEW_MONTHS", 6)
if not 1 <= PLAN_REVIEW_MONTHS <= 24:
    raise ImproperlyConfigured("PLAN_REVIEW_MONTHS muss zwischen 1 und 24 liegen.")

# --- E-mail -------------------------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "imcase <imcase@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL


# --- Funding (VwV IntM 2023) --------------------------------------------------------------
# Staff cost of one full-time position (VZÄ) per year: the split's amounts become VZÄ with it.
FUNDING_COST_PER_VZA = env_decimal("FUNDING_COST_PER_VZA", "70000.00")
# The smallest position a municipality must create to run IM itself (Nr. 3.4 VwV IntM).
FUNDING_EIGENREGIE_MIN_VZA = env_decimal("FUNDING_EIGENREGIE_MIN_VZA", "0.5")
# Umsatzsteuer in percent on the quarterly invoices of a cooperation (copied onto each invoice).
FUNDING_VAT_PERCENT = env_decimal("FUNDING_VAT_PERCENT", "19.00")
if FUNDING_VAT_PERCENT >= 100:
    raise ImproperlyConfigured("FUNDING_VAT_PERCENT muss unter 100 liegen (Prozent, z. B. 19.00).")

# --- Hardening (security round 2): proxy addresses, import limits -------------------------
# Reverse proxies in front of the app that each append the address they saw to
# X-Forwarded-For (the compose set-up behind one TLS proxy: 1). 0 = clients reach the app
# directly and the header is ignored, so a forged X-Forwarded-For cannot escape the lockout.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0, maximum=5)
AXES_CLIENT_IP_CALLABLE = "imcase.web.client_ip.client_ip"
# Upper bounds of one assignment import: data rows, and the unpacked size of an XLSX (checked
# from the zip directory before the workbook is opened, so a zip bomb is refused unread).
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 50_000, minimum=1)
IMPORT_MAX_XLSX_MB = env_int("IMPORT_MAX_XLSX_MB", 50, minimum=1)

# --- Two factors and the Landratsamt's directory (issue 13) -------------------------------
# TOTP via django-otp (app codes plus one-time backup codes). With REQUIRE_2FA on (the default
# when DEBUG is off) the roles that see personal data must set up a second factor before they
# can open any page; the demo (DEBUG=1) leaves it optional. See imcase/twofactor/.
REQUIRE_2FA = env_bool("REQUIRE_2FA", not DEBUG)
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "imcase")
INSTALLED_APPS += [
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "imcase.twofactor",
]
# Right after the user is known: OTPMiddleware marks the session verified or not, the
# TwoFactorMiddleware keeps an unverified user on the 2FA pages.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "django_otp.middleware.OTPMiddleware",
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("django_otp.middleware.OTPMiddleware") + 1,
    "imcase.twofactor.middleware.TwoFactorMiddleware",
)

# Optional login against the Landratsamt's LDAP / Active Directory (django-auth-ldap, the
# "ldap" extra). Off while LDAP_SERVER_URI is empty; the LDAP_* variables are read and checked
# in imcase/directory/config.py. Local accounts (municipalities, RP) keep logging in as before.
from imcase.directory.config import ldap_settings  # noqa: E402

_ldap = ldap_settings()
globals().update(_ldap)
if _ldap:
    AUTHENTICATION_BACKENDS.insert(
        AUTHENTICATION_BACKENDS.index("django.contrib.auth.backends.ModelBackend"),
        "imcase.directory.backend.DirectoryBackend",
    )

# LOG_FORMAT=json: one JSON object per line (imcase/logs.py) for a log collector; "text"
# (default) the plain lines.
LOG_FORMAT = env_str("LOG_FORMAT", "text")
if LOG_FORMAT not in ("text", "json"):
    raise ImproperlyConfigured("LOG_FORMAT muss „text“ oder „json“ sein.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "imcase.logs.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            **({"formatter": "json"} if LOG_FORMAT == "json" else {}),
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}, "weasyprint": {"level": "WARNING"}},
}
