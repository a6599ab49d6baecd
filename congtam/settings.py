"""Django settings for Công Tâm.

Everything comes from the environment, with defaults that are safe in production: DEBUG is off
unless ``CONGTAM_DEBUG=1``; without ``DATABASE_URL`` the embedded SQLite database lives in the data
folder (``CONGTAM_DATA_DIR``, default ``./data``).
"""

from __future__ import annotations

import contextlib
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DATA_DIR = Path(os.environ.get("CONGTAM_DATA_DIR", Path.cwd() / "data")).resolve()


def private_directory(path: Path) -> Path:
    """The folder, created if need be, readable by this system's account alone (0700): it holds the
    database, the keys, evidence and exports. An existing folder of ours is tightened too."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    status = path.stat()
    if status.st_uid == os.getuid() and status.st_mode & 0o077:
        path.chmod(0o700)
    return path


# A read-only place (a command that needs no data): whatever writes there says so.
with contextlib.suppress(OSError):
    private_directory(DATA_DIR)


DEBUG = env_bool("CONGTAM_DEBUG")


def installation_secret(env_name: str, file_name: str) -> str:
    """A secret from the environment, else one generated for this installation and kept in the
    data folder, so a fresh install never runs with a known key and the key survives restarts."""
    value = os.environ.get(env_name, "").strip()
    if value:
        return value
    key_file = DATA_DIR / file_name
    if key_file.exists():
        return key_file.read_text().strip()
    from django.core.management.utils import get_random_secret_key

    private_directory(DATA_DIR)
    value = get_random_secret_key()
    # Created 0600, never readable by others even for a moment.
    with os.fdopen(os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as handle:
        handle.write(value)
    return value


SECRET_KEY = installation_secret("CONGTAM_SECRET_KEY", "secret_key")
# Keys the audit trail's hash chain; keep a copy of it away from the database server.
CONGTAM_AUDIT_KEY = installation_secret("CONGTAM_AUDIT_KEY", "audit_key")
# The audit trail's witness outside the database (congtam.audit.witness): keyed checkpoints of the
# chain's head, appended every CONGTAM_AUDIT_CHECKPOINT_EVERY entries and on a schedule. Put the
# file where the database's administrators cannot rewrite it (other storage, append-only, copied
# off the host); `congtam audit-verify` compares the database with it.
CONGTAM_AUDIT_CHECKPOINT_FILE = os.environ.get("CONGTAM_AUDIT_CHECKPOINT_FILE", "").strip() or str(
    DATA_DIR / "audit-checkpoints.log"
)
CONGTAM_AUDIT_CHECKPOINT_EVERY = int(os.environ.get("CONGTAM_AUDIT_CHECKPOINT_EVERY", "100"))

ALLOWED_HOSTS = env_list("CONGTAM_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CONGTAM_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "congtam.core.admin_apps.CongTamAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "axes",
    "congtam.core",
    "congtam.accounts",
    "congtam.audit",
    "congtam.org",
    "congtam.whatif",
    "congtam.catalogue",
    "congtam.jobs",
    "congtam.monitoring",
    "congtam.notifications",
    "rest_framework",
    "drf_spectacular",
    "congtam.api",
    "congtam.yearend",
    "congtam.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside all the rest, so that every answer (an early 400 or 403 too) carries the policy.
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "congtam.core.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # What a signed-in person is shown is never cached (pages and downloads alike).
    "congtam.core.middleware.NoStoreForSignedInMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # NUL and lone surrogates get a 400 before a view can take them to the database.
    "congtam.core.middleware.RejectUnreadableInputMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Last, as django-axes asks, so it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "congtam.urls"
WSGI_APPLICATION = "congtam.wsgi.application"

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
                "congtam.accounts.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
_default_sqlite = f"sqlite:///{DATA_DIR / 'congtam.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL", _default_sqlite))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    if DATABASES["default"]["NAME"] not in ("", ":memory:"):
        # The file itself is made 0600 when a connection opens (congtam.core.files).
        private_directory(Path(DATABASES["default"]["NAME"]).parent)
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # BEGIN IMMEDIATE: a writer takes the lock at the start of its transaction, so two
            # requests cannot both read the audit chain's head and fork it.
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", int(os.environ.get("CONGTAM_CONN_MAX_AGE", "60")))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts and security --------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Lock-out after repeated failures, per account and address.
AXES_FAILURE_LIMIT = int(os.environ.get("CONGTAM_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("CONGTAM_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# The username recorded for an attempt, cut to what its table holds (congtam.accounts.lockout).
AXES_USERNAME_CALLABLE = "congtam.accounts.lockout.attempted_username"

# Idle sessions expire: every request pushes the expiry forward by the session age.
SESSION_COOKIE_AGE = int(os.environ.get("CONGTAM_SESSION_IDLE_MINUTES", "30")) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): scripts, styles, images and requests from the app alone,
# nothing inline; htmx is told not to add its inline indicator style (meta htmx-config in base.html).
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
    },
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Production (HTTPS) hardening; `congtam check --deploy` is clean with CONGTAM_HTTPS=1.
if env_bool("CONGTAM_HTTPS"):
    SECURE_SSL_REDIRECT = env_bool("CONGTAM_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("CONGTAM_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("CONGTAM_HSTS_PRELOAD", True)

# --- Language and formats ---------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = os.environ.get("CONGTAM_TIME_ZONE", "Asia/Ho_Chi_Minh")
FORMAT_MODULE_PATH = ["congtam.formats"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- Static files: served by the app itself, never from a CDN --------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("CONGTAM_STATIC_ROOT", DATA_DIR / "static"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG
MEDIA_ROOT = DATA_DIR / "media"
# Uploaded files (evidence) and their folders readable by this system's account alone.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

# --- Application settings ---------------------------------------------------------------------
CONGTAM_PAGE_SIZE = 50
# Reminders go this many days before a step's deadline (and again when it is overdue).
CONGTAM_REMINDER_DAYS = int(os.environ.get("CONGTAM_REMINDER_DAYS", "2"))
# Evidence of work results: kept in the data folder, never under the web root; served by a view.
CONGTAM_EVIDENCE_ROOT = Path(os.environ.get("CONGTAM_EVIDENCE_ROOT", DATA_DIR / "evidence"))
CONGTAM_EVIDENCE_MAX_BYTES = int(os.environ.get("CONGTAM_EVIDENCE_MAX_BYTES", str(20 * 1024 * 1024)))
CONGTAM_IMPORT_MAX_BYTES = int(os.environ.get("CONGTAM_IMPORT_MAX_BYTES", str(200 * 1024 * 1024)))
# What a workbook may expand to and hold, checked before it is read (congtam.core.workbook_limits):
# the sum of its parts unpacked, the compression ratio of a large part, and each sheet's rows,
# columns and cells (the largest sheet's extent, as calamine would build it).
CONGTAM_IMPORT_MAX_EXPANDED_BYTES = int(os.environ.get("CONGTAM_IMPORT_MAX_EXPANDED_BYTES", str(200 * 1024 * 1024)))
CONGTAM_IMPORT_MAX_COMPRESSION_RATIO = int(os.environ.get("CONGTAM_IMPORT_MAX_COMPRESSION_RATIO", "100"))
CONGTAM_IMPORT_MAX_ROWS = int(os.environ.get("CONGTAM_IMPORT_MAX_ROWS", "200000"))
CONGTAM_IMPORT_MAX_COLUMNS = int(os.environ.get("CONGTAM_IMPORT_MAX_COLUMNS", "200"))
CONGTAM_IMPORT_MAX_CELLS = int(os.environ.get("CONGTAM_IMPORT_MAX_CELLS", "5000000"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

EMAIL_BACKEND = os.environ.get("CONGTAM_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("CONGTAM_FROM_EMAIL", "congtam@localhost")

# --- Background jobs (Celery on Redis) ------------------------------------------------------
# With CONGTAM_BROKER_URL (e.g. redis://127.0.0.1:6379/0) background jobs, e-mails and reminders
# run on Celery workers (`celery -A congtam worker -B`); without it every task runs inline, in the
# process that starts it, once its transaction has committed.
CELERY_TASK_ALWAYS_EAGER = not os.environ.get("CONGTAM_BROKER_URL", "").strip()
# (Inline, Celery still sets up a producer it never uses: an in-process transport, no network.)
CELERY_BROKER_URL = os.environ.get("CONGTAM_BROKER_URL", "").strip() or "memory://localhost/"
CELERY_TASK_EAGER_PROPAGATES = False  # inline, a failed e-mail is logged; it never breaks the page
CELERY_TASK_IGNORE_RESULT = True  # a job's outcome is kept on its Job row, not in a result backend
CELERY_RESULT_BACKEND = None
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CONGTAM_TASK_QUEUE", "congtam")
# A task is acknowledged when it has finished, and given back to the queue if its worker dies:
# every task is written to be safe to run again.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_SOFT_TIME_LIMIT = 10 * 60
CELERY_TASK_TIME_LIMIT = 11 * 60
# A long job (opening the periods of 100,000 people) gets longer; the broker must not hand an
# unacknowledged job to a second worker while the first may still be running it.
CONGTAM_JOB_TIME_LIMIT = int(os.environ.get("CONGTAM_JOB_TIME_LIMIT_SECONDS", str(3 * 3600)))
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CONGTAM_JOB_TIME_LIMIT + 15 * 60}
if os.environ.get("CONGTAM_BROKER_KEY_PREFIX"):
    # Several installations (or a test run) sharing one Redis keep to their own keys.
    CELERY_BROKER_TRANSPORT_OPTIONS["global_keyprefix"] = os.environ["CONGTAM_BROKER_KEY_PREFIX"]
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")  # the scheduler's memory of its last runs
CELERY_BEAT_SCHEDULE = {
    "send-reminders": {
        "task": "congtam.notifications.tasks.send_reminders",
        "schedule": int(os.environ.get("CONGTAM_REMINDER_INTERVAL_SECONDS", str(15 * 60))),
    },
    "fail-interrupted-jobs": {"task": "congtam.jobs.tasks.fail_interrupted_jobs", "schedule": 15 * 60},
    "audit-checkpoint": {
        "task": "congtam.audit.tasks.write_checkpoint",
        "schedule": int(os.environ.get("CONGTAM_AUDIT_CHECKPOINT_INTERVAL_SECONDS", str(60 * 60))),
    },
}
# Links in e-mails point here; e-mails may be written to files (CONGTAM_EMAIL_BACKEND =
# django.core.mail.backends.filebased.EmailBackend) for a server without a mail relay.
CONGTAM_SITE_URL = os.environ.get("CONGTAM_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
if os.environ.get("CONGTAM_EMAIL_FILE_PATH"):
    EMAIL_FILE_PATH = os.environ["CONGTAM_EMAIL_FILE_PATH"]
# --- end of background jobs -----------------------------------------------------------------

# --- REST API (congtam.api) ----------------------------------------------------------------
# Only source systems' tokens open the API (a person's session does not); JSON in and out;
# errors name the field, in Vietnamese unless the caller sends Accept-Language: en.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["congtam.api.authentication.SourceSystemAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["congtam.api.authentication.IsSourceSystem"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["congtam.api.parsers.StrictJSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "congtam.api.exceptions.api_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Công Tâm API",
    "DESCRIPTION": (
        "Work items from task-assignment and document systems, and period scores. Each system has a token "
        "issued by HR, limited to its units; every call is recorded in the audit trail."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The description of the API is public; its data needs a token.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
}
# --- end of REST API ------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("CONGTAM_LOG_LEVEL", "WARNING")},
}
