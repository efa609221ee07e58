"""Settings come from the environment through a few typed helpers that fail loudly.

Organisation policy (case-number formats, retention, quotas) lives in the database, not here.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if value is None:
        raise ImproperlyConfigured(f"Environment variable {name} must be set")
    return value


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in ("1", "true", "yes", "on"):
        return True
    if raw.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0/true/false), got {raw!r}")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)
# The demo (`make run`) and the tests run on plain HTTP on localhost with a throw-away key;
# a real installation must set DJANGO_SECRET_KEY and serves over HTTPS.
DEMO = env_bool("BANBIANTIAN_DEMO", False)
TESTING = "pytest" in os.environ.get("_", "") or os.environ.get("PYTEST_VERSION") is not None
INSECURE_ALLOWED = DEBUG or DEMO or TESTING
SECRET_KEY = env_str(
    "DJANGO_SECRET_KEY", "insecure-demo-key-do-not-use-in-production" if INSECURE_ALLOWED else None
)
HTTPS = env_bool("BANBIANTIAN_HTTPS", not INSECURE_ALLOWED)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if INSECURE_ALLOWED else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "django_htmx",
    "axes",
    "django_tasks_db",
    "banbiantian.core",
    # The work areas: each declares itself in its apps.py (banbiantian.core.areas); their order here
    # does not matter (menu order and demo dependencies are declared).
    "banbiantian.people",
    "banbiantian.transfer",
    "banbiantian.organisation",
    "banbiantian.rights",
    "banbiantian.care",
    "banbiantian.development",
    "banbiantian.families",
    "banbiantian.activities",
    "banbiantian.planning",
    "banbiantian.statforms",
    "banbiantian.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "banbiantian.core.middleware.audit_request_ip",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "banbiantian.core.once.OnceMiddleware",  # a form posted twice is saved once (after CSRF, auth, messages)
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "banbiantian.urls"
WSGI_APPLICATION = "banbiantian.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "banbiantian" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "banbiantian.core.context_processors.navigation",
            ],
            # {% csrf_token %} also renders the form's one-time token (core/once.py)
            "builtins": ["banbiantian.core.templatetags.once"],
        },
    },
]

# One variable picks the database. SQLite is the embedded default: WAL so readers never wait
# for the writer, IMMEDIATE transactions and a busy timeout so two writers queue instead of failing.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"), conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    DATABASES["default"].setdefault("TEST", {})["NAME"] = env_str("BANBIANTIAN_TEST_DB", "test_banbiantian")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Strongest hasher first; Django's default is PBKDF2, we prefer scrypt (memory-hard, in the stdlib).
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.ScryptPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Hashing speed is not under test; scrypt in every persona fixture would dominate the suite.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

# Login throttling: 5 failures for the same user name from the same address lock it for 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_CALLABLE = "banbiantian.core.views.locked_out"  # says until when, and whom to ask to unlock
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# Sessions and cookies
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 8  # one working day
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("BANBIANTIAN_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 30 if HTTPS else 0
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
# Set for a deployment that runs collectstatic; the demo serves straight from the finders.
STATIC_ROOT = os.environ.get("BANBIANTIAN_STATIC_ROOT") or None
STATICFILES_DIRS = [BASE_DIR / "banbiantian" / "static"]
# Files are served by WhiteNoise straight from the finders: no collectstatic step for the demo.
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = Path(env_str("BANBIANTIAN_MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "/media/"  # never served directly: attachments go through views that check access
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": MEDIA_ROOT}},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Uploads: spreadsheets for import and case attachments. Over the limit is refused with a message.
MAX_UPLOAD_MB = int(env_str("BANBIANTIAN_MAX_UPLOAD_MB", "50"))
# A list download of more rows than this is made by the task worker, with a progress bar (core.exports).
EXPORT_BACKGROUND_ROWS = int(env_str("BANBIANTIAN_EXPORT_BACKGROUND_ROWS", "5000"))
EXPORT_FILE_RETENTION_DAYS = int(env_str("BANBIANTIAN_EXPORT_FILE_RETENTION_DAYS", "7"))  # then expire_export_files
IMPORT_FILE_RETENTION_DAYS = int(env_str("BANBIANTIAN_IMPORT_FILE_RETENTION_DAYS", "30"))  # then expire_import_files
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = (MAX_UPLOAD_MB + 1) * 1024 * 1024

# Background work (big imports, exports, reports) goes through django.tasks. The embedded
# default keeps the queue in the database and `make run` starts its worker; tests run tasks at once.
TASKS = {
    "default": {
        "BACKEND": "django.tasks.backends.immediate.ImmediateBackend"
        if TESTING
        else env_str("BANBIANTIAN_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# Encryption at rest for the most sensitive fields (case narratives, injuries, victims' addresses):
# one or more Fernet keys, comma-separated, newest first (older ones still decrypt, for rotation).
# A real installation refuses to start without one; the demo and tests derive one from SECRET_KEY.
_field_keys = env_list("BANBIANTIAN_FIELD_KEYS")
if not _field_keys:
    if not INSECURE_ALLOWED:
        raise ImproperlyConfigured(
            "BANBIANTIAN_FIELD_KEYS must be set (generate one with: python -c "
            "'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')"
        )
    import base64
    import hashlib

    _field_keys = [base64.urlsafe_b64encode(hashlib.sha256(("field:" + SECRET_KEY).encode()).digest()).decode()]
FIELD_ENCRYPTION_KEYS = _field_keys

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an anonymous client is answered 401 with WWW-Authenticate: Token.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "半边天 API",
    "DESCRIPTION": "基层妇联工作信息系统接口：组织机构与人员。与页面相同的访问范围与脱敏规则。",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("BANBIANTIAN_LOG_LEVEL", "WARNING")},
}
