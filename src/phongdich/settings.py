"""Django settings. Everything a deployment changes comes from PHONGDICH_* environment variables (docs/deploy.md)."""

import os
import secrets
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("PHONGDICH_VAR_DIR", PROJECT_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    return os.environ.get(name, str(default)).lower() in {"1", "true", "yes", "on"}


def load_secret_key() -> str:
    """The key from the environment, or one generated once and kept in var/ for a single-machine install."""
    if key := os.environ.get("PHONGDICH_SECRET_KEY"):
        return key
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def wal_limit_bytes() -> int:
    return int(os.environ.get("PHONGDICH_SQLITE_WAL_LIMIT_MB", "64")) * 1024 * 1024


def database_from_url(url: str) -> dict:
    """sqlite:///relative/or//absolute/path.sqlite3 or postgres://user:password@host:port/name."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        path = Path(unquote(parsed.path[1:] if parsed.path.startswith("/") else parsed.path))
        if not path.is_absolute():
            path = PROJECT_DIR / path
        path.parent.mkdir(parents=True, exist_ok=True)
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(path),
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
                    "PRAGMA mmap_size=268435456; PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY; "
                    # A checkpoint every 1,000 pages (4 MB) written; once one completes, the WAL file is cut back
                    # to the limit instead of keeping the largest size a long reader (a backup) let it reach.
                    f"PRAGMA wal_autocheckpoint=1000; PRAGMA journal_size_limit={wal_limit_bytes()};"
                ),
            },
            "TEST": {"NAME": os.environ.get("PHONGDICH_TEST_SQLITE_NAME") or None},
        }
    if parsed.scheme in {"postgres", "postgresql"}:
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parsed.path.lstrip("/")),
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
            "CONN_MAX_AGE": int(os.environ.get("PHONGDICH_DB_CONN_MAX_AGE", "60")),
            "CONN_HEALTH_CHECKS": True,
        }
    raise ValueError(f"PHONGDICH_DATABASE_URL: unsupported scheme {parsed.scheme!r} (use sqlite:// or postgres://)")


def mailer_from_url(url: str) -> dict:
    """smtp://user:password@host:port (STARTTLS when the port is 587, or with ?starttls=1) or smtps://… (TLS from
    the first byte, port 465 by default); without a user, the server takes mail unauthenticated (a local MTA)."""
    parsed = urlparse(url)
    if parsed.scheme not in {"smtp", "smtps"}:
        raise ValueError(f"PHONGDICH_SMTP_URL: unsupported scheme {parsed.scheme!r} (use smtp:// or smtps://)")
    implicit_tls = parsed.scheme == "smtps"
    port = parsed.port or (465 if implicit_tls else 25)
    return {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": parsed.hostname or "localhost",
            "port": port,
            "username": unquote(parsed.username or ""),
            "password": unquote(parsed.password or ""),
            "use_ssl": implicit_tls,
            "use_tls": not implicit_tls and (port == 587 or "starttls=1" in parsed.query),
            "timeout": 20,
        },
    }


SECRET_KEY = load_secret_key()
DEBUG = env_bool("PHONGDICH_DEBUG", False)
ALLOWED_HOSTS = os.environ.get("PHONGDICH_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("PHONGDICH_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_filters",
    "django_tables2",
    "django_htmx",
    "ninja",
    "django_tasks_db",
    "phongdich.core",
    "phongdich.accounts",
    "phongdich.places",
    "phongdich.people",
    "phongdich.surveillance",
    "phongdich.labs",
    "phongdich.vaccination",
    "phongdich.care",
    "phongdich.levels",
    "phongdich.command",
    "phongdich.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "phongdich.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "phongdich.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "phongdich.core.middleware.LoginRequiredMiddleware",
]

ROOT_URLCONF = "phongdich.urls"
WSGI_APPLICATION = "phongdich.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "phongdich.core.context_processors.navigation",
                "phongdich.core.context_processors.demo_clock",
            ],
        },
    },
]

DATABASES = {
    "default": database_from_url(os.environ.get("PHONGDICH_DATABASE_URL", "sqlite:///var/phongdich.sqlite3")),
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The task reminders' e-mail; the tests replace the mailer with Django's in-memory one.
MAILERS = {"default": mailer_from_url(os.environ.get("PHONGDICH_SMTP_URL", "smtp://localhost:25"))}
DEFAULT_FROM_EMAIL = SERVER_EMAIL = os.environ.get("PHONGDICH_MAIL_FROM", "phongdich@localhost")

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["phongdich.accounts.backends.LockoutModelBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Lockout: this many failed logins for one username within the window lock it for the window.
PHONGDICH_LOCKOUT_FAILURES = int(os.environ.get("PHONGDICH_LOCKOUT_FAILURES", "5"))
PHONGDICH_LOCKOUT_WINDOW_MINUTES = int(os.environ.get("PHONGDICH_LOCKOUT_WINDOW_MINUTES", "15"))
# How long a worker process may answer API calls from a token it already checked (0: check every call).
PHONGDICH_API_AUTH_CACHE_SECONDS = float(os.environ.get("PHONGDICH_API_AUTH_CACHE_SECONDS", "10"))

# Sessions and cookies: HttpOnly, SameSite, short idle life; Secure when served over HTTPS (docs/deploy.md).
SECURE_COOKIES = env_bool("PHONGDICH_SECURE_COOKIES", False)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_AGE = 8 * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Scripts and styles only from the platform's own files, or inline with the request's nonce (csp_nonce); no
# eval, no plugins, no framing, forms post only here. Every asset is served locally (design: no CDN).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:", "blob:"],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
if SECURE_COOKIES:  # served over HTTPS behind the proxy (docs/deploy.md)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # probed over plain HTTP on the machine itself
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("PHONGDICH_STATIC_ROOT", PROJECT_DIR / "staticfiles"))
# Uploaded files (photos of self-tests) hold personal data: never served as static files, only through scoped views.
MEDIA_ROOT = Path(os.environ.get("PHONGDICH_MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

DJANGO_TABLES2_TEMPLATE = "core/table.html"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("PHONGDICH_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},  # logs every layout step at INFO
        "fontTools": {"level": "WARNING"},
    },
}

# Venue QR tokens are signed with this salt; rotating SECRET_KEY invalidates printed posters (docs/deploy.md).
# Background tasks (exposure matching after a new case): a queue in the database, worked by
# `phongdich worker` (started beside the web server by `phongdich serve`). "immediate" runs each task in
# the process that enqueued it, after the commit: for a machine that cannot run a worker.
TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
}
TASKS = {"default": {"BACKEND": TASK_BACKENDS[os.environ.get("PHONGDICH_TASKS", "database")]}}
# A running task whose worker has not written its heartbeat for the lease is taken back: run again, up to the
# attempts, then marked failed (core/background.py). A stop waits this long for the task worker to finish its
# current step before killing it. /healthz reports "degraded" when fewer task workers than expected are alive.
PHONGDICH_TASK_LEASE_SECONDS = int(os.environ.get("PHONGDICH_TASK_LEASE_SECONDS", "60"))
PHONGDICH_TASK_ATTEMPTS = int(os.environ.get("PHONGDICH_TASK_ATTEMPTS", "3"))
PHONGDICH_STOP_SECONDS = int(os.environ.get("PHONGDICH_STOP_SECONDS", "60"))
PHONGDICH_TASK_WORKERS = int(
    os.environ.get("PHONGDICH_TASK_WORKERS", "1" if TASKS["default"]["BACKEND"] == TASK_BACKENDS["database"] else "0")
)

PHONGDICH_VENUE_TOKEN_SALT = "phongdich.places.venue"
PHONGDICH_CARD_SALT = "phongdich.people.card"
# The address residents reach the platform at: venue QR codes carry {PUBLIC_URL}/c/<token>/.
PHONGDICH_PUBLIC_URL = os.environ.get("PHONGDICH_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
PHONGDICH_PAGE_SIZE = 25
# Files uploaded for import: wider or longer-lined files are refused before they are parsed (a 100,000-column
# header held a worker for minutes); a kept upload not imported within PHONGDICH_UPLOAD_HOURS is deleted.
PHONGDICH_IMPORT_LIMITS = {"MAX_COLUMNS": 200, "MAX_HEADER_CHARS": 10_000, "MAX_LINE_CHARS": 20_000}
PHONGDICH_UPLOAD_HOURS = int(os.environ.get("PHONGDICH_UPLOAD_HOURS", "24"))
# An import writes in slices of this many lines, each its own transaction with the job's progress, so no other
# writer waits on SQLite's write lock for long and a run resumes after a crash at the last slice committed.
PHONGDICH_IMPORT_SLICE_LINES = int(os.environ.get("PHONGDICH_IMPORT_SLICE_LINES", "5000"))
# A running import whose progress has not moved for this long has lost its worker (a worker's lease): its page
# says it waits to be resumed, and the same file uploaded again resumes it.
PHONGDICH_IMPORT_STALLED_SECONDS = int(os.environ.get("PHONGDICH_IMPORT_STALLED_SECONDS", "300"))
# Pictures from outside (QR photos, self-test photos): refused above these before any pixel is decoded.
PHONGDICH_PICTURE_MAX_BYTES = 10 * 1024 * 1024
PHONGDICH_PICTURE_MAX_PIXELS = 25_000_000
PHONGDICH_COUNT_CAP = 1000

# Check-ins: how far in the future a device clock may run, and how old an offline upload may be.
PHONGDICH_CHECKIN_FUTURE_TOLERANCE_SECONDS = int(os.environ.get("PHONGDICH_CHECKIN_FUTURE_TOLERANCE_SECONDS", "300"))
PHONGDICH_CHECKIN_MAX_AGE_DAYS = int(os.environ.get("PHONGDICH_CHECKIN_MAX_AGE_DAYS", "21"))
# The public check-in page: requests per client address and per number typed, in a window (core/ratelimit.py).
PHONGDICH_CHECKIN_LIMIT_PER_CLIENT = int(os.environ.get("PHONGDICH_CHECKIN_LIMIT_PER_CLIENT", "30"))
PHONGDICH_CHECKIN_LIMIT_PER_NUMBER = int(os.environ.get("PHONGDICH_CHECKIN_LIMIT_PER_NUMBER", "5"))
PHONGDICH_CHECKIN_LIMIT_WINDOW_MINUTES = int(os.environ.get("PHONGDICH_CHECKIN_LIMIT_WINDOW_MINUTES", "10"))
# Self-reports through a personal link (the /r/<token>/ page and the API): per client address (a family shares a
# phone, a commune's Wi-Fi is shared) and per link (a household reports a few times a day).
PHONGDICH_SELFREPORT_LIMIT_PER_CLIENT = int(os.environ.get("PHONGDICH_SELFREPORT_LIMIT_PER_CLIENT", "60"))
PHONGDICH_SELFREPORT_LIMIT_PER_LINK = int(os.environ.get("PHONGDICH_SELFREPORT_LIMIT_PER_LINK", "30"))
PHONGDICH_SELFREPORT_LIMIT_WINDOW_MINUTES = int(os.environ.get("PHONGDICH_SELFREPORT_LIMIT_WINDOW_MINUTES", "10"))
# The header a reverse proxy puts the client's address in ("X-Real-IP"); empty: the connection's address.
PHONGDICH_CLIENT_IP_HEADER = os.environ.get("PHONGDICH_CLIENT_IP_HEADER", "")

# Texts to people under a care order (care/messages.py): "console" logs them, "file" appends them to
# PHONGDICH_SMS_FILE, "http" posts them to a gateway (the contract: docs/deploy.md). A failure the gateway may get
# over is tried again by the background worker after a pause (the setting, ×4 each time, at most 5 minutes).
PHONGDICH_SMS_BACKEND = os.environ.get("PHONGDICH_SMS_BACKEND", "console")
PHONGDICH_SMS_FILE = Path(os.environ.get("PHONGDICH_SMS_FILE", VAR_DIR / "sms" / "outbox.jsonl"))
PHONGDICH_SMS_HTTP_URL = os.environ.get("PHONGDICH_SMS_HTTP_URL", "")
PHONGDICH_SMS_HTTP_TOKEN = os.environ.get("PHONGDICH_SMS_HTTP_TOKEN", "")
PHONGDICH_SMS_HTTP_TIMEOUT = float(os.environ.get("PHONGDICH_SMS_HTTP_TIMEOUT", "10"))
PHONGDICH_SMS_ATTEMPTS = int(os.environ.get("PHONGDICH_SMS_ATTEMPTS", "4"))
PHONGDICH_SMS_RETRY_SECONDS = int(os.environ.get("PHONGDICH_SMS_RETRY_SECONDS", "30"))
# The public check of release certificates (/kiem-tra/<code>/): requests per client address in a window.
PHONGDICH_CERTIFICATE_CHECK_LIMIT_PER_CLIENT = int(os.environ.get("PHONGDICH_CERTIFICATE_CHECK_LIMIT_PER_CLIENT", "30"))
PHONGDICH_CERTIFICATE_CHECK_WINDOW_MINUTES = int(os.environ.get("PHONGDICH_CERTIFICATE_CHECK_WINDOW_MINUTES", "10"))

# Vaccine certificates: private signing keys live in this directory (mode 0700), never in the database.
DCC_KEY_DIR = Path(os.environ.get("PHONGDICH_DCC_KEY_DIR", VAR_DIR / "dcc-keys"))
DCC_COUNTRY = os.environ.get("PHONGDICH_DCC_COUNTRY", "VN")
DCC_ISSUER = os.environ.get("PHONGDICH_DCC_ISSUER", "Ministry of Health of Viet Nam")
