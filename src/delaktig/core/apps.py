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
        # Retries and recovery of background tasks hang on django-tasks' signals.
        from . import tasks  # noqa: F401

        admin.site.has_permission = superuser_only  # type: ignore[method-assign]
        admin.site.site_header = "Delaktig"
