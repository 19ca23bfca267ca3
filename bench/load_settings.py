"""Settings for the load test (bench/load.py): the benchmark settings (gunicorn's URLs with the
floors) with the real task queue, so that the task workers have work to do."""

from bench.settings import *  # noqa: F403
from delaktig.config import settings as project

TASKS = project.TASKS
