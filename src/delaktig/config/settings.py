"""Settings for Delaktig, read from the environment.

Defaults suit a developer's machine: SQLite under ``var/``, console e-mail, local-memory
cache, background tasks stored in the database. ``delaktig.config.production`` tightens
everything for a deployment.
"""

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url
import django_stubs_ext
from django.conf import locale as django_locale
from django.utils.translation import gettext_lazy as _

from delaktig.core import languages as content_languages
from delaktig.identity.eidpresets import DEFAULT_PRESET, PRESETS

# Django's generic classes (ModelForm, ModelAdmin, Feed, ...) are generic only in django-stubs;
# this gives them a run-time ``__class_getitem__`` so that ``forms.ModelForm[Proposal]`` can be
# written as a base class. Every settings module (production, test, bench) imports this one.
django_stubs_ext.monkeypatch()

PACKAGE_DIR = Path(__file__).resolve().parents[1]
BASE_DIR = Path(__file__).resolve().parents[3]
VAR_DIR = Path(os.environ.get("DELAKTIG_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def discovered_apps(listed: set[str]) -> list[str]:
    """The packages under src/delaktig/ with an ``apps.py`` that are not in ``listed``."""
    return sorted(
        f"delaktig.{path.parent.name}"
        for path in PACKAGE_DIR.glob("*/apps.py")
        if f"delaktig.{path.parent.name}" not in listed
    )


DEBUG = env_bool("DJANGO_DEBUG", False)
# A development key is only acceptable when DEBUG is on; production settings refuse it.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "dev-only-insecure-key-change-me")
# ".localhost" admits localhost and every name under it, which browsers send to this machine:
# the demo gives Östersunds kommun ostersund.localhost (docs/operations.md, "Host names").
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,.localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("DELAKTIG_SITE_URL", "http://127.0.0.1:8000")

# The platform's own apps; which may import which is in docs/architecture.md.
PLATFORM_APPS = [
    "delaktig.core",
    "delaktig.organisations",
    "delaktig.accounts",
    "delaktig.participation",
    "delaktig.discussions",
    "delaktig.identity",
    "delaktig.proposals",
    "delaktig.initiatives",
    "delaktig.meetings",
    "delaktig.councils",
    "delaktig.population",
    "delaktig.surveys",
    "delaktig.followup",
    "delaktig.assessments",
    "delaktig.opinionmaps",
    "delaktig.moderation",
    "delaktig.riskguide",
    "delaktig.incidents",
    "delaktig.knowledge",
    "delaktig.translations",
    "delaktig.pages",
    "delaktig.newsletters",
    "delaktig.screens",
    "delaktig.budgeting",
    "delaktig.consultations",
    "delaktig.notifications",
    "delaktig.insights",
    "delaktig.opendata",
    "delaktig.search",
    "delaktig.demo",
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "rules.apps.AutodiscoverRulesConfig",
    "django_tasks",
    "django_tasks_db",
    "corsheaders",
    *PLATFORM_APPS,
    # A participation module added as a new package under src/delaktig/ (a directory with an
    # apps.py) is installed without being listed; see "Adding a participation module" in
    # docs/architecture.md.
    *discovered_apps(set(PLATFORM_APPS)),
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "delaktig.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "delaktig.core.middleware.SwedishFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # request.site_organisation and request.site_scope from the host name (core/sites.py).
    "delaktig.organisations.middleware.SiteMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Logged-out visitors' public pages from the shared cache (core/pagecache.py): after the
    # CSRF cookie is read and the languages chosen, before the session is read for the user.
    "delaktig.core.pagecache.AnonymousPageCacheMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "delaktig.core.middleware.RejectNulMiddleware",
    "delaktig.core.middleware.DelaktigErrorMiddleware",
]

ROOT_URLCONF = "delaktig.config.urls"
WSGI_APPLICATION = "delaktig.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "delaktig.accounts.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'delaktig.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Parameters sent apart from the SQL, so that psycopg can prepare a statement the
    # connection has run ``DATABASE_PREPARE_THRESHOLD`` times and PostgreSQL plans it once per
    # connection, not on every request: a process page's sixteen queries spent about half
    # their time in the planner (docs/architecture.md, "Prepared statements"). ``off`` for a
    # pooler that cannot keep prepared statements (PgBouncer before 1.21, in transaction mode).
    threshold = os.environ.get("DATABASE_PREPARE_THRESHOLD", "5")
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True,
        prepare_threshold=None if threshold == "off" else int(threshold),
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL and a busy timeout let the web process and the task worker share the file.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        # Django's Redis backend, keeping its clients (core/cache.py).
        "default": {"BACKEND": "delaktig.core.cache.RedisCache", "LOCATION": REDIS_URL}
    }
    # Sessions read from the shared cache and written through to the database: a logged-in
    # request asks Redis, not PostgreSQL, who it is, and a session outlives a Redis restart.
    # Only with Redis: with a cache per process, a session ended on one app server would stay
    # alive in another's memory.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

# The anonymous page cache (core/pagecache.py, docs/architecture.md "The anonymous page
# cache"): seconds a public page made for one logged-out visitor is served to the next; 0
# turns it off (the default with DEBUG, so that a developer sees each change at once). A
# committed write to what public pages show makes every cached page stale at once; the time
# bounds what the clock changes (a phase that opens) and what other processes write when the
# cache is not shared (locmem).
DELAKTIG_PAGE_CACHE_SECONDS = int(
    os.environ.get("DELAKTIG_PAGE_CACHE_SECONDS", "0" if DEBUG else "60")
)
# Paths never cached besides staff pages (a /personal/ segment): accounts and e-ID, the API
# (its own ETags), admin, the Markdown preview, the language switch, files.
DELAKTIG_PAGE_CACHE_EXCLUDE = [
    "/konto/",
    "/mitt-konto/",
    "/identitet/",
    "/api/",
    "/admin/",
    "/markdown/",
    "/sprak/",
    "/static/",
    "/media/",
]
# Cookies that change no page, beside the CSRF and language cookies; any other cookie (a
# session, messages) makes a request bypass the cache. A load balancer's sticky cookie
# belongs here.
DELAKTIG_PAGE_CACHE_COOKIES = env_list("DELAKTIG_PAGE_CACHE_COOKIES")
# Pages larger than this are not stored.
DELAKTIG_PAGE_CACHE_MAX_BYTES = 1024 * 1024
# Tables no public page reads: writing to them leaves cached pages fresh.
DELAKTIG_PAGE_CACHE_QUIET_MODELS = [
    "sessions.Session",
    "admin.LogEntry",
    "django_tasks_database.DBTaskResult",
    "core.JobRun",
    "core.AuditEntry",
    "notifications.OutgoingEmail",
    "account.EmailAddress",
    "account.EmailConfirmation",
]
# Columns no public page shows: an UPDATE that sets only these keeps cached pages (a login).
DELAKTIG_PAGE_CACHE_QUIET_COLUMNS = {"accounts.User": ["last_login"]}

AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Accounts (django-allauth) ---
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_ADAPTER = "delaktig.accounts.adapter.AccountAdapter"
ACCOUNT_SIGNUP_FORM_CLASS = "delaktig.accounts.forms.SignupExtraForm"
ACCOUNT_FORMS = {"signup": "delaktig.accounts.signup.SignupForm"}
# Sign-up, login and password reset answer alike whether or not an account exists (the
# sign-up form does the same work either way, see accounts/signup.py).
ACCOUNT_PREVENT_ENUMERATION = True
# Login throttling: allauth counts login attempts in the cache per client (10 a minute) and
# per account *and* client (5 in 5 minutes; the adapter adds the client to the key, so that
# failures from one client never lock the owner out on another). Delaktig adds a much higher
# per-account limit over all clients, "login_failed_account" in DELAKTIG_RATE_LIMITS.
# The client is REMOTE_ADDR unless ALLAUTH_TRUSTED_PROXY_COUNT says otherwise (production.py).
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/300s/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Delaktig] "
LOGIN_REDIRECT_URL = "/"
LOGIN_URL = "account_login"
# E-identification through an OpenID Connect broker (BankID, Freja eID …). Configured only
# when DELAKTIG_EID_SERVER_URL is set; the claims that carry the personnummer and the
# municipality of registration differ between brokers, so they are settings too.
# Claim names and scope come from a preset for the broker's profile (identity/eidpresets.py);
# each can be overridden on its own.
EID_PRESET = PRESETS[os.environ.get("DELAKTIG_EID_PRESET", DEFAULT_PRESET)]
DELAKTIG_EID_NATIONAL_ID_CLAIM = os.environ.get(
    "DELAKTIG_EID_NATIONAL_ID_CLAIM", EID_PRESET["national_id_claim"]
)
DELAKTIG_EID_MUNICIPALITY_CLAIM = os.environ.get(
    "DELAKTIG_EID_MUNICIPALITY_CLAIM", EID_PRESET["municipality_claim"]
)
SOCIALACCOUNT_PROVIDERS: dict[str, dict[str, object]] = {}
EID_SERVER_URL = os.environ.get("DELAKTIG_EID_SERVER_URL", "")
if EID_SERVER_URL:
    SOCIALACCOUNT_PROVIDERS["openid_connect"] = {
        "OAUTH_PKCE_ENABLED": True,
        "APPS": [
            {
                "provider_id": "eid",
                "name": os.environ.get("DELAKTIG_EID_NAME", "E-legitimation"),
                "client_id": os.environ.get("DELAKTIG_EID_CLIENT_ID", ""),
                "secret": os.environ.get("DELAKTIG_EID_CLIENT_SECRET", ""),
                "settings": {
                    "server_url": EID_SERVER_URL,
                    "token_auth_method": "client_secret_post",
                    "scope": env_list("DELAKTIG_EID_SCOPE", ",".join(EID_PRESET["scope"])),
                },
            }
        ],
    }


def url_origin(url: str) -> str:
    """``https://broker.example:8443`` from any URL on that origin."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an http(s) URL: {url!r}")
    return f"{parts.scheme}://{parts.netloc}"


def form_action_origins(server_url: str, extra: list[str]) -> list[str]:
    """Origins the e-ID login may be redirected to after a form post: the broker's own, and
    any other its authorisation endpoint lives on (DELAKTIG_EID_FORM_ACTION_ORIGINS)."""
    return sorted({url_origin(u) for u in [server_url, *extra] if u})


EID_FORM_ACTION_ORIGINS = form_action_origins(
    EID_SERVER_URL, env_list("DELAKTIG_EID_FORM_ACTION_ORIGINS")
)
SOCIALACCOUNT_ADAPTER = "delaktig.identity.adapter.EidAdapter"
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_STORE_TOKENS = False
# Where a verified person's municipality of folkbokföring comes from, tried in order: the
# broker's claim, the imported population register (identity/residency.py). A dotted path
# names another source (a live Navet or SPAR lookup).
DELAKTIG_RESIDENCY_SOURCES = env_list("DELAKTIG_RESIDENCY_SOURCES", "claim,register")
# Days a one-time verification code from an official stays valid.
DELAKTIG_VERIFICATION_CODE_DAYS = int(os.environ.get("DELAKTIG_VERIFICATION_CODE_DAYS", "30"))
# Key for the keyed hash of personnummer. Production must set its own and keep it.
DELAKTIG_IDENTITY_HASH_KEY = os.environ.get("DELAKTIG_IDENTITY_HASH_KEY", "")

# --- E-mail ---
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Delaktig <noreply@delaktig.example>")
if os.environ.get("EMAIL_HOST"):
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    # Seconds to wait for the mail server at each step: without it, a server that stops
    # answering holds the worker for ever.
    EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "60"))

# --- Background tasks (django-tasks) ---
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
# A task RUNNING this long (seconds) has lost its worker and is queued again (core/tasks.py).
DELAKTIG_TASK_STALE_AFTER = int(os.environ.get("DELAKTIG_TASK_STALE_AFTER", str(30 * 60)))
# E-mail that fails to send is retried after this many seconds, doubling up to the maximum.
DELAKTIG_EMAIL_RETRY_FIRST_DELAY = int(os.environ.get("DELAKTIG_EMAIL_RETRY_FIRST_DELAY", "60"))
DELAKTIG_EMAIL_RETRY_MAX_DELAY = int(os.environ.get("DELAKTIG_EMAIL_RETRY_MAX_DELAY", "3600"))

# --- Languages ---
LANGUAGE_CODE = "sv"
# Interface languages Django may activate: those with a catalogue in LOCALE_PATHS. Which of them
# residents are offered is decided by each catalogue's review state (core/catalogues.py).
LANGUAGES = [("sv", _("Svenska")), ("en", _("Engelska")), ("fi", _("Finska"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Stockholm"
USE_TZ = True
# Django knows Finnish; the Sami languages, Meänkieli, Romani chib and Yiddish it does not, so
# that a catalogue for one of them can be added and activated like any other.
django_locale.LANG_INFO.update(
    {
        "se": {
            "bidi": False,
            "code": "se",
            "name": "Northern Sami",
            "name_local": "davvisámegiella",
        },
        "sma": {
            "bidi": False,
            "code": "sma",
            "name": "Southern Sami",
            "name_local": "åarjelsaemien gïele",
        },
        "smj": {"bidi": False, "code": "smj", "name": "Lule Sami", "name_local": "julevsámegiella"},
        "fit": {"bidi": False, "code": "fit", "name": "Meänkieli", "name_local": "meänkieli"},
        "rom": {"bidi": False, "code": "rom", "name": "Romani", "name_local": "romani chib"},
        "yi": {"bidi": True, "code": "yi", "name": "Yiddish", "name_local": "ייִדיש"},
    }
)
# Languages that content (not the interface) may be written in: Swedish, lättläst Swedish,
# English and the national minority languages (lag 2009:724). See core/languages.py.
CONTENT_LANGUAGES = [
    (language.code, language.name_local) for language in content_languages.LANGUAGES
]
# The content language a person chose (core.middleware.SwedishFirstLocaleMiddleware).
CONTENT_LANGUAGE_COOKIE_NAME = "delaktig_sprak"

# --- Static files ---
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# WhiteNoise warns on every start while STATIC_ROOT does not exist (before collectstatic);
# in development and tests the finders serve the files, so an empty folder is enough.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [
    PACKAGE_DIR / "static",
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
]


# --- Uploaded files ---
def s3_storage(environ: Mapping[str, str]) -> dict[str, Any] | None:
    """The default storage in an S3-compatible bucket when ``DELAKTIG_S3_BUCKET`` is set, else
    None (the local disk under MEDIA_ROOT). Objects are written without an ACL, so they stay
    as private as the bucket (never public-read); the app streams them to those allowed
    (core/storage.py), and an address from ``url()`` is signed and lives five minutes. A name
    that is taken gets a new one instead of overwriting the file (``file_overwrite``): a
    replaced logo or dump is deleted only once the transaction that replaced it has committed.
    Credentials: DELAKTIG_S3_ACCESS_KEY/SECRET_KEY, else boto3's own chain (AWS_ACCESS_KEY_ID
    and AWS_SECRET_ACCESS_KEY, ~/.aws, an instance role). docs/operations.md, "Object storage"."""
    bucket = environ.get("DELAKTIG_S3_BUCKET", "").strip()
    if not bucket:
        return None
    options: dict[str, Any] = {
        "bucket_name": bucket,
        "location": environ.get("DELAKTIG_S3_PREFIX", "").strip().strip("/"),
        "endpoint_url": environ.get("DELAKTIG_S3_ENDPOINT_URL") or None,
        "region_name": environ.get("DELAKTIG_S3_REGION") or None,
        "addressing_style": environ.get("DELAKTIG_S3_ADDRESSING_STYLE") or None,
        "signature_version": "s3v4",
        "default_acl": None,
        "querystring_auth": True,
        "querystring_expire": 300,
        "file_overwrite": False,
        # A file opened through the storage (not streamed) is spooled to disk beyond this.
        "max_memory_size": 2 * 1024 * 1024,
    }
    if environ.get("DELAKTIG_S3_ACCESS_KEY"):
        options["access_key"] = environ["DELAKTIG_S3_ACCESS_KEY"]
        options["secret_key"] = environ.get("DELAKTIG_S3_SECRET_KEY", "")
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


STORAGES: dict[str, dict[str, Any]] = {
    "default": s3_storage(os.environ) or {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Where uploads go without a bucket. Nothing serves MEDIA_URL: every file is sent by a view
# after a permission check.
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"

# --- Security baseline (tightened further in production settings) ---
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the form, not the cookie
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"


def content_security_policy(form_action_origins: list[str]) -> dict[str, dict[str, list[str]]]:
    """The site's CSP: no inline script or style, nothing framed, forms only to us and the
    e-ID broker (browsers apply form-action to the redirect after the login form's post)."""
    return {
        "DIRECTIVES": {
            "default-src": ["'self'"],
            "script-src": ["'self'"],
            "style-src": ["'self'"],
            "img-src": ["'self'", "data:"],
            "font-src": ["'self'"],
            "connect-src": ["'self'"],
            "form-action": ["'self'", *form_action_origins],
            "frame-ancestors": ["'none'"],
            "base-uri": ["'self'"],
            "object-src": ["'none'"],
        }
    }


CONTENT_SECURITY_POLICY = content_security_policy(EID_FORM_ACTION_ORIGINS)

# Permissions-Policy (core.middleware.SecurityHeadersMiddleware): the site uses none of these
# browser features, so no page, and nothing a page might embed, may ask for them. Only names
# every current Chromium recognises on every platform (it warns about unknown ones): not
# "interest-cohort" or "browsing-topics", known only while the Topics API is switched on, nor
# "serial", "hid" or "bluetooth", known only where Chromium offers those APIs.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "idle-detection",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "usb",
        "window-management",
        "xr-spatial-tracking",
    )
}

# --- Delaktig rules ---
# Comments a person may write within the window before being asked to wait.
DELAKTIG_COMMENT_RATE = (int(os.environ.get("DELAKTIG_COMMENT_RATE", "5")), 60)
# Budgets for the platform's own actions (core/ratelimit.py): (uses, seconds) per key.
DELAKTIG_RATE_LIMITS = {
    # New proposal drafts per person.
    "proposal_draft": (10, 60 * 60),
    # Requests to join a strategy per person, and per strategy from everybody together.
    "commitment_request": (5, 60 * 60),
    "commitment_request_strategy": (20, 60 * 60),
    # Failed logins per account from all clients together (allauth limits each client).
    "login_failed_account": (100, 60 * 60),
    # Receipt codes of a participatory budget checked per client (against guessing codes).
    "budget_receipt": (30, 60 * 60),
    # Live previews of the Markdown editor per person (one per pause in typing).
    "markdown_preview": (120, 60),
    # The public newsletter form: per client, and per address (confirmation e-mails).
    "newsletter_subscribe": (10, 60 * 60),
    "newsletter_subscribe_address": (3, 60 * 60),
    # Reads of the open-data API per client (opendata/api.py); 429 with Retry-After beyond.
    "api_read": (int(os.environ.get("DELAKTIG_API_RATE", "600")), 60),
}
# The contact point of the open-data catalogue for an organisation that has set no contact
# address of its own (DCAT-AP-SE requires one; opendata/catalogue.py).
DELAKTIG_OPEN_DATA_CONTACT = os.environ.get("DELAKTIG_OPEN_DATA_CONTACT", "")
# The open-data API (docs/open-data.md): any site may read it from a browser (CORS, reads
# only, no cookies); so may the catalogue and the dumps.
CORS_URLS_REGEX = r"^/(api/v1/|oppna-data/.+\.(ttl|jsonld|rdf|zip)$|\.well-known/dcat)"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_METHODS = ("GET", "HEAD", "OPTIONS")
CORS_ALLOW_HEADERS = ("accept", "accept-language", "if-none-match", "if-modified-since")
CORS_EXPOSE_HEADERS = ("ETag", "Last-Modified", "Retry-After", "Link")
CORS_PREFLIGHT_MAX_AGE = 86400
# The API's rate limit counts per REMOTE_ADDR; production.py trusts as many X-Forwarded-For
# hops as there are proxies of our own (django-ninja reads every hop when this is None).
NINJA_NUM_PROXIES = 0
# Drafts (proposals not yet submitted) a person may have at once.
DELAKTIG_MAX_OPEN_DRAFTS = 10
# Groups smaller than this are never shown in statistics about people.
DELAKTIG_MIN_GROUP_SIZE = 5
# The annual report's PDF and Word files are built once for each content of the report and
# kept in the default cache (followup/reports/files.py). Off only to measure what that saves.
DELAKTIG_REPORT_FILE_CACHE = env_bool("DELAKTIG_REPORT_FILE_CACHE", True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # A 4xx (403 PermissionDenied, 400, CSRF failure) is one WARNING line without a
    # traceback; a 5xx keeps its traceback (core/logs.py).
    "filters": {"client_error_one_line": {"()": "delaktig.core.logs.ClientErrorOneLine"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"filters": ["client_error_one_line"]},
        "django.security.csrf": {"filters": ["client_error_one_line"]},
        "django.db.backends": {"level": "INFO"},
        # WeasyPrint narrates every step of a PDF at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
