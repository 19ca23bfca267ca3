"""Benchmark settings: the project's settings served by gunicorn, plus a floor view."""

from delaktig.config.settings import *  # noqa: F403

DEBUG = False
ROOT_URLCONF = "bench.urls"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
# Tasks are stored, not run: the benchmark measures the request, not e-mail.
TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
LOGGING = {"version": 1, "disable_existing_loggers": False}
