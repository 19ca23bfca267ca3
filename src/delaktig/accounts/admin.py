from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import Role, User


class RoleInline(admin.TabularInline[Role, User]):
    model = Role
    extra = 0


@admin.register(User)
class DelaktigUserAdmin(UserAdmin[User]):
    inlines = [RoleInline]
    list_display = ["email", "display_name", "is_active", "is_superuser"]
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        ("Delaktig", {"fields": ("display_name", "deleted_at")}),
    )
