"""Django settings for the Kith web app.

Every setting that differs between machines comes from an environment variable, read through
the tiny typed helpers below and documented in docs/configuration.md.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp import constants as csp_constants


def env_str(name: str, default: str = "") -> str:
    """The text of environment variable ``name`` (``default`` when unset or empty)."""
    value = os.environ.get(name, "").strip()
    return value or default


def env_bool(name: str, default: bool = False) -> bool:
    """``1/true/yes/on`` → True, ``0/false/no/off`` → False, unset → ``default``."""
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ValueError(f"environment variable {name}={value!r}: expected on/off, true/false or 1/0")


def env_list(name: str, default: list[str]) -> list[str]:
    """A comma-separated list (``default`` when unset)."""
    value = os.environ.get(name, "").strip()
    if not value:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ValueError(
            f"environment variable {name}={value!r}: expected a whole number"
        ) from None


def _secret_key(data_dir: Path) -> str:
    """KITH_SECRET_KEY, or a random key kept in ``<data dir>/secret-key`` (made on first use)."""
    key = env_str("KITH_SECRET_KEY")
    if key:
        return key
    path = data_dir / "secret-key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


def tile_sources(url_template: str) -> list[str]:
    """The CSP source of a Leaflet tile URL template (``https://{s}.tile.example/{z}/{x}/{y}.png``
    → ``https://*.tile.example``); none when no tile server is configured."""
    if not url_template:
        return []
    parts = urlsplit(url_template)
    host = "*." + parts.netloc[4:] if parts.netloc.startswith("{s}.") else parts.netloc
    if parts.scheme not in ("https", "http") or not host or "{" in host:
        raise ValueError(
            f"environment variable KITH_MAP_TILE_URL={url_template!r}: expected an http(s) URL "
            "whose host is fixed or starts with {s}."
        )
    return [f"{parts.scheme}://{host}"]


PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(env_str("KITH_DATA_DIR", "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("KITH_DEBUG", False)
SECRET_KEY = _secret_key(DATA_DIR)
ALLOWED_HOSTS = env_list("KITH_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
# A deployment (KITH_ALLOWED_HOSTS set) is assumed to sit behind TLS; a local `make run` is not.
HTTPS = env_bool("KITH_HTTPS", "KITH_ALLOWED_HOSTS" in os.environ)

INSTALLED_APPS = [
    "kith.accounts",
    "kith.people",
    "kith.maps",
    "kith.assets",
    "kith.outcomes",
    "kith.plans",
    "kith.audit",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    # Authentication (kith.accounts; docs/security.md "Authentication"): sign-in, TOTP MFA.
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "csp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Headers and deployment (kith/middleware.py, docs/security.md): CSP, no-store, limits.
    "csp.middleware.CSPMiddleware",
    "kith.middleware.PrivateResponsesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Audit trail: keeps the request in a contextvar so kith.audit.log.record knows who/where.
    "kith.audit.context.AuditRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Authentication: allauth's login stages, then idle/absolute session timeouts, then MFA
    # required (a signed-in user without an authenticator may only set one up).
    "allauth.account.middleware.AccountMiddleware",
    "kith.accounts.middleware.SessionTimeoutMiddleware",
    "kith.accounts.middleware.MfaRequiredMiddleware",
    "kith.middleware.RequestSizeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "kith.urls"
WSGI_APPLICATION = "kith.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "people:caseload"
LOGOUT_REDIRECT_URL = "account_login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Database: SQLite under KITH_DATA_DIR unless DATABASE_URL names another (PostgreSQL ≥ 15).
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(DATABASE_URL, conn_max_age=600, conn_health_checks=True)
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "kith.sqlite3",
            "OPTIONS": {
                # Writers take the lock at BEGIN, so concurrent writes queue instead of failing.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                ),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env_str("KITH_TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

# Static files: collected into the data folder and served by whitenoise with hashed names.
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "kith.server.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG

# Community asset directory (kith.assets; docs/assets.md).
KITH_ASSET_REVIEW_MONTHS = env_int("KITH_ASSET_REVIEW_MONTHS", 12)
KITH_MAP_TILE_URL = env_str("KITH_MAP_TILE_URL")
KITH_MAP_TILE_ATTRIBUTION = env_str("KITH_MAP_TILE_ATTRIBUTION")
KITH_HSDS_SCHEMA_DIR = env_str("KITH_HSDS_SCHEMA_DIR")

# UK GDPR retention (kith/people/gdpr.py; docs/security.md): closed cases are erased this many
# years after closure by `kith manage apply_retention` (8: the NHS Records Management Code's
# period for adult health records after care ends; set your service's own schedule).
KITH_RETENTION_YEARS = env_int("KITH_RETENTION_YEARS", 8)

# Encryption at rest (kith/crypto.py, kith/accounts/fields.py; docs/security.md). The key ring
# is KITH_ENCRYPTION_KEYS ("id:base64key,..." first = current) or the key file, made on first use.
KITH_ENCRYPTION_KEYS = env_str("KITH_ENCRYPTION_KEYS")
KITH_KEY_FILE = Path(env_str("KITH_KEY_FILE", str(DATA_DIR / "keys.json"))).resolve()
# Flash messages name people ("Rowan T. was added."): keep them in the signed cookie only, so
# they never overflow into the session table in clear.
MESSAGE_STORAGE = "django.contrib.messages.storage.cookie.CookieStorage"

# Security headers and cookies.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("KITH_SESSION_SECONDS", 8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if HTTPS:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("KITH_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = False
SILENCED_SYSTEM_CHECKS = [
    # HSTS preload is a decision for the operator of the domain, not for the application.
    "security.W021",
]

# -- Headers and deployment (helper E; docs/security.md "Headers and deployment") -----------
# Content-Security-Policy (django-csp 4): only our own scripts and styles, no inline script or
# style, no plugins, no framing, forms post only to us. data: images are allowed for the
# authenticator QR code (an SVG data URI); the map tile server only when one is configured.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp_constants.SELF],
        "script-src": [csp_constants.SELF],
        "style-src": [csp_constants.SELF],
        "img-src": [csp_constants.SELF, "data:", *tile_sources(KITH_MAP_TILE_URL)],
        "object-src": [csp_constants.NONE],
        "base-uri": [csp_constants.NONE],
        "frame-ancestors": [csp_constants.NONE],
        "form-action": [csp_constants.SELF],
    }
}
# Request size limits (kith.middleware.RequestSizeMiddleware answers 413 with the limit).
# Kith's forms and API bodies are a few KB; a whole map as JSON is well under 1 MB.
KITH_REQUEST_MAX_BYTES = env_int("KITH_REQUEST_MAX_BYTES", 10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("KITH_FORM_MAX_BYTES", 1024 * 1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = env_int("KITH_FORM_MAX_FIELDS", 1000)
DATA_UPLOAD_MAX_NUMBER_FILES = env_int("KITH_UPLOAD_MAX_FILES", 10)
# Uploaded files above this size go to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = env_int("KITH_UPLOAD_MEMORY_BYTES", 2 * 1024 * 1024)
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

# -- Authentication (helper D; kith.accounts; docs/security.md "Authentication") -------------
# django-allauth: username + password, then a TOTP code (or a recovery code) for every account
# that has an authenticator; no sign-up, no email flows. allauth's backend only, so every way in
# (the admin site's login redirects to ours) goes through its login stages and rate limits.
AUTHENTICATION_BACKENDS = ["allauth.account.auth_backends.AuthenticationBackend"]
ACCOUNT_ADAPTER = "kith.accounts.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "password1*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
# Sessions end when the browser closes (no "remember me").
ACCOUNT_SESSION_REMEMBER = False
# A password change keeps this session and ends every other one (kith.accounts.signals).
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
# allauth's forms with GOV.UK Frontend classes (kith/accounts/auth_forms.py).
ACCOUNT_FORMS = {
    name: f"kith.accounts.auth_forms.{form}"
    for name, form in {
        "login": "LoginForm",
        "change_password": "ChangePasswordForm",
        "reauthenticate": "ReauthenticateForm",
    }.items()
}
MFA_FORMS = {
    name: f"kith.accounts.auth_forms.{form}"
    for name, form in {
        "authenticate": "MfaAuthenticateForm",
        "reauthenticate": "MfaReauthenticateForm",
        "activate_totp": "ActivateTotpForm",
        "deactivate_totp": "DeactivateTotpForm",
        "generate_recovery_codes": "GenerateRecoveryCodesForm",
    }.items()
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Kith"
# Every signed-in account must have an authenticator (kith.accounts.middleware). Only a demo
# may turn this off; the deploy check kith.accounts.E001 refuses it in production.
KITH_MFA_REQUIRED = env_bool("KITH_MFA_REQUIRED", True)
KITH_SESSION_IDLE_SECONDS = env_int("KITH_SESSION_IDLE_SECONDS", 30 * 60)
KITH_SESSION_ABSOLUTE_SECONDS = env_int("KITH_SESSION_ABSOLUTE_SECONDS", 10 * 60 * 60)
# Lockout: after KITH_LOGIN_ATTEMPTS wrong passwords (or TOTP codes) for one username within
# KITH_LOGIN_LOCKOUT_SECONDS, that username is refused until the oldest failure is that old.
# Per address, 20 failures a minute whatever the username. Counted in the shared database cache.
KITH_LOGIN_ATTEMPTS = env_int("KITH_LOGIN_ATTEMPTS", 5)
KITH_LOGIN_LOCKOUT_SECONDS = env_int("KITH_LOGIN_LOCKOUT_SECONDS", 15 * 60)
ACCOUNT_RATE_LIMITS = {
    "login_failed": f"20/m/ip,{KITH_LOGIN_ATTEMPTS}/{KITH_LOGIN_LOCKOUT_SECONDS}s/key",
}
# The rate-limit counters must be shared by every gunicorn worker: a table in the database
# (made by kith.accounts' migration 0003), not per-process memory.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "kith_cache",
    }
}

# -- Audit trail (helper C; kith.audit; docs/security.md "Audit trail") ----------------------
# The client's address for the audit: behind these proxies (the same list gunicorn trusts,
# KITH_FORWARDED_ALLOW_IPS) it is taken from X-Forwarded-For, otherwise REMOTE_ADDR as is.
KITH_AUDIT_TRUSTED_PROXIES = env_list("KITH_FORWARDED_ALLOW_IPS", ["127.0.0.1", "::1"])

# No personal data in logs: request paths carry only numeric ids; query strings are not logged.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("KITH_LOG_LEVEL", "INFO")},
    "loggers": {
        # django.request logs full URLs (with search terms) on 4xx/5xx; keep only errors.
        "django.request": {"level": "ERROR", "propagate": True},
    },
}
