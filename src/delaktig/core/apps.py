from django.apps import AppConfig
from django.http import HttpRequest


def superuser_only(request: HttpRequest) -> bool:
    """Django's admin is for superusers; staff work happens in the staff workspace."""
    user = request.user
    return bool(user.is_active and user.is_superuser)


class CoreConfig(AppConfig):
    name = "delaktig.core"
    label = "core"
    verbose_name = "Delaktig core"

    def ready(self) -> None:
        from django.contrib import admin
        from django.utils.module_loading import autodiscover_modules

        # ``id__in`` with a number no column can hold matches nothing (lookups.py).
        from . import lookups  # noqa: F401

        # Every app declares what it contributes to the platform (personal data, retention,
        # jobs, demo data) in a ``contributions.py``; importing it registers the declaration.
        autodiscover_modules("contributions")
        # A committed write that public pages read makes the anonymous page cache's pages
        # stale (pagecache.py): every database connection reports its writes.
        from django.db.backends.signals import connection_created

        from . import (
            checks,  # noqa: F401 (`check --deploy` refuses a cache not shared by all processes)
            tasks,  # noqa: F401 (retries and recovery of tasks hang on django-tasks' signals)
        )
        from .pagecache import watch_connection

        connection_created.connect(watch_connection, dispatch_uid="delaktig.pagecache")

        admin.site.has_permission = superuser_only  # type: ignore[method-assign]
        admin.site.site_header = "Delaktig"
