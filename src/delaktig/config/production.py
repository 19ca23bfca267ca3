"""Production settings: PostgreSQL, HTTPS only, secrets from the environment."""

import os

from django.core.exceptions import ImproperlyConfigured

from .settings import *  # noqa: F403
from .settings import DATABASES, REDIS_URL, SECRET_KEY, STORAGES

DEBUG = False
if SECRET_KEY.startswith("dev-only") or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("Set DJANGO_SECRET_KEY to a long random value in production.")
if len(os.environ.get("DELAKTIG_IDENTITY_HASH_KEY", "")) < 32:
    raise ImproperlyConfigured(
        "Set DELAKTIG_IDENTITY_HASH_KEY (32+ characters): it keys the hash of personnummer."
    )
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("Production runs on PostgreSQL: set DATABASE_URL.")
# Login throttling, Delaktig's rate limits, cached counts and report files must be shared by
# every gunicorn worker and app server: a local-memory cache would count and keep them once per
# process (docs/operations.md, "Topology").
if not REDIS_URL:
    raise ImproperlyConfigured(
        "Production needs a cache shared by every process: set REDIS_URL (e.g. redis://…/0)."
    )

# The client's address, which the login, sign-up and Delaktig's own rate limits count by:
# REMOTE_ADDR, unless DELAKTIG_TRUSTED_PROXY_COUNT proxies of our own stand in front. Behind
# one nginx that sets X-Forwarded-For to $remote_addr, with gunicorn reachable only by it
# (docs/operations.md, "Reverse proxy"), set it to 1: allauth then takes the last address in
# the header. Unset it is 0 and the header is ignored, so that where requests reach gunicorn
# directly nobody escapes the limits by making up X-Forwarded-For.
ALLAUTH_TRUSTED_PROXY_COUNT = int(os.environ.get("DELAKTIG_TRUSTED_PROXY_COUNT", "0"))
# The open-data API's rate limit counts per client the same way (django-ninja's setting).
NINJA_NUM_PROXIES = ALLAUTH_TRUSTED_PROXY_COUNT
SECURE_SSL_REDIRECT = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_SAMESITE = "Lax"
STORAGES = {
    # Uploads on the local disk, or in the S3 bucket named by DELAKTIG_S3_BUCKET (settings.py);
    # more than one app server needs the bucket (docs/operations.md, "Object storage").
    "default": STORAGES["default"],
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
