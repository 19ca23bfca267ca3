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

        admin.site.has_permission = superuser_only  # type: ignore[method-assign]
        admin.site.site_header = "Delaktig"
