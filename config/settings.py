"""One settings module: environments differ only in their variables (see .env.example)."""

from datetime import date, timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")  # optional; real environment variables win

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        # A publicly known key would let anyone forge sessions: refuse to start.
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable to a long "
            "random string (python -c 'import secrets; print(secrets.token_urlsafe(50))'), "
            "or set DEBUG=true for local development."
        )
    SECRET_KEY = "django-insecure-development-only"  # DEBUG only
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # axes, otp_totp and django_tasks_db under Vietnamese names (registry/vendor_apps.py)
    "registry.vendor_apps.AxesConfig",
    "django_otp",
    "registry.vendor_apps.TOTPConfig",
    "template_partials",
    "treebeard",
    "simple_history",
    "registry",
    # Before import_export: its own "import" and "export" commands would hide ours.
    "registry.spreadsheets",
    "import_export",
    "django_tasks",
    "registry.vendor_apps.TasksConfig",
    "unions",
    "members",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "registry.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "registry.middleware.IdleTimeoutMiddleware",
    "registry.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    "unions.coverage.middleware.EmployerFiguresFollowWritesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# A connection is kept by each server process for the next request (a new PostgreSQL
# connection per request starts a server process with cold caches: bench/load.py).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=300)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the background worker write while pages keep reading.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "registry.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses locked-out sign-ins
    "registry.backends.PasswordBackend",
    "registry.backends.RoleBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {
        "NAME": "registry.passwords.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "registry.passwords.ProjectWordsValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sign-in lock-out (django-axes): after this many wrong passwords for one username,
# that username cannot sign in until the cool-off ends or an administrator unlocks it;
# after LOGIN_FAILURE_LIMIT_PER_ADDRESS from one address, whatever the usernames, that
# address cannot (registry/sign_in.py). An office signs in from one address: its
# limit is far higher than a username's.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
LOGIN_FAILURE_LIMIT_PER_ADDRESS = env.int("LOGIN_FAILURE_LIMIT_PER_ADDRESS", default=30)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_HANDLER = "registry.sign_in.SignInHandler"
AXES_CLIENT_IP_CALLABLE = "registry.sign_in.client_address"
# Reverse proxies in front of the app, each appending to X-Forwarded-For (0: none).
TRUSTED_PROXIES = env.int("TRUSTED_PROXIES", default=0)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Two-factor sign-in (TOTP) for the roles in registry.roles.TWO_FACTOR_ROLES; on unless
# DEBUG, so the demo signs in with a password alone.
TWO_FACTOR_REQUIRED = env.bool("TWO_FACTOR_REQUIRED", default=not DEBUG)
OTP_TOTP_ISSUER = "So doan vien"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# dd/mm/yyyy dates in and out, in both languages (config/formats/).
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed names need `collectstatic`; development serves straight from static/.
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

TASKS = {
    "default": {
        "BACKEND": env("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend")
    }
}

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

SESSION_COOKIE_HTTPONLY = True
# Idle time-out: a session ends this long after its last request (it slides with use,
# see registry.middleware.IdleTimeoutMiddleware).
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_TIMEOUT", default=30 * 60)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool(
    "SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True
)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# No inline script anywhere (django-csp): every script is a file under static/.
# Style attributes stay allowed (a tree's indentation, the admin's and import-export's
# own templates use them); <style> elements do not.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# The "database unavailable" page (503) asks browsers to retry after this many seconds.
DATABASE_RETRY_AFTER = env.int("DATABASE_RETRY_AFTER", default=15)
SILENCED_SYSTEM_CHECKS = env.list("SILENCED_SYSTEM_CHECKS", default=[])

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
}

# --- Registry rules -------------------------------------------------------------------
# CCCDs one account may look up through the admit form in an hour (a larger list is
# imported as a file, whose check names nobody outside the account's scope).
CCCD_LOOKUPS_PER_HOUR = env.int("CCCD_LOOKUPS_PER_HOUR", default=60)
# Employers smaller than this are not counted as able to form a union.
ELIGIBLE_MIN_WORKERS = env.int("ELIGIBLE_MIN_WORKERS", default=5)
# Unions in state administrative agencies, the armed forces and fully state-funded
# public units were dissolved on this date (Công văn 4173/TLĐ-ToC; docs/domain.md,
# "Types (loại hình) and which may have a union").
STATE_SECTOR_UNIONS_ENDED_ON = date(2025, 6, 15)

# --- Uploads and background jobs ------------------------------------------------------
# What an import reads at most. A sheet's cells are counted as a reader lays them out,
# from A1 to its farthest cell holding anything: one cell at XFD1048576 is 17 billion.
IMPORT_MAX_UPLOAD_BYTES = env.int("IMPORT_MAX_UPLOAD_MB", default=20) * 1024 * 1024
IMPORT_MAX_CELLS = env.int("IMPORT_MAX_CELLS", default=20_000_000)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=1_048_576)
IMPORT_MAX_UNPACKED_MB = env.int("IMPORT_MAX_UNPACKED_MB", default=400)
IMPORT_MAX_PACKING_RATIO = env.int("IMPORT_MAX_PACKING_RATIO", default=100)
# Files are read in a child process with these caps (registry/spreadsheets/confined.py):
# memory on top of what the worker holds, and time.
IMPORT_READ_IN_CHILD = env.bool("IMPORT_READ_IN_CHILD", default=True)
IMPORT_READ_MEMORY_MB = env.int("IMPORT_READ_MEMORY_MB", default=2048)
IMPORT_READ_SECONDS = env.int("IMPORT_READ_SECONDS", default=300)
# A worker renews its lease on the job it runs; a job whose lease ran out this long ago
# is failed (its worker died) and may be tried again from its page.
IMPORT_JOB_LEASE_SECONDS = env.int("IMPORT_JOB_LEASE_SECONDS", default=120)
# Uploaded files (and their error reports) are deleted this many days after the upload.
IMPORT_FILE_RETENTION_DAYS = env.int("IMPORT_FILE_RETENTION_DAYS", default=30)
# Files written by background exports are deleted this many days after the export.
EXPORT_FILE_RETENTION_DAYS = env.int("EXPORT_FILE_RETENTION_DAYS", default=30)
# A background task without a job lease (an export, a refresh of the figures) still
# "running" this long after it started is taken for the task of a worker that died.
TASK_RUN_LIMIT_SECONDS = env.int("TASK_RUN_LIMIT_SECONDS", default=6 * 60 * 60)
