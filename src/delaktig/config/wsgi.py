"""WSGI entry point for gunicorn."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "delaktig.config.production")

application = get_wsgi_application()

# Built here, before the server answers anyone, rather than on the first request that needs
# it: the screening word lists (309 regular expressions) take 4-5 s of CPU to compile, which a
# resident's first comment after a restart would otherwise wait for. With gunicorn's
# --preload (docs/operations.md) they are built once, in the master, and its workers share
# them.
from delaktig.screening.harmful import lexicon  # noqa: E402

lexicon()
