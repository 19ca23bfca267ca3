"""The app server's entry point builds what a first request would otherwise wait seconds
for, before gunicorn answers anyone (docs/operations.md, "Processes")."""

import importlib

from delaktig.screening import harmful


def test_the_wsgi_module_builds_the_screening_lists() -> None:
    from delaktig.config import wsgi

    harmful.lexicon.cache_clear()
    assert harmful.lexicon.cache_info().currsize == 0
    importlib.reload(wsgi)
    assert harmful.lexicon.cache_info().currsize == 1
    assert callable(wsgi.application)
