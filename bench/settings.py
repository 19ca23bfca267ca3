"""Benchmark settings: the project's settings served by gunicorn, plus a floor view."""

import os

from delaktig.config.settings import *  # noqa: F403

DEBUG = False
ROOT_URLCONF = "bench.urls"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
# Tasks are stored, not run: the benchmark measures the request, not e-mail.
TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
LOGGING = {"version": 1, "disable_existing_loggers": False}
# The anonymous page cache is off unless a benchmark asks for it (bench/pages.py does): the
# other benchmarks measure the pages themselves. The floors are never cached.
DELAKTIG_PAGE_CACHE_SECONDS = int(os.environ.get("DELAKTIG_PAGE_CACHE_SECONDS", "0"))
DELAKTIG_PAGE_CACHE_EXCLUDE = [
    *DELAKTIG_PAGE_CACHE_EXCLUDE,  # noqa: F405
    "/bench-floor/",
    "/bench-layout-floor/",
]
