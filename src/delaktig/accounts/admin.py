from typing import TYPE_CHECKING

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import Role, User

if TYPE_CHECKING:  # the admin classes are generic only to the type checker
    RoleInlineBase = admin.TabularInline[Role, User]
    UserAdminBase = UserAdmin[User]
else:
    RoleInlineBase = admin.TabularInline
    UserAdminBase = UserAdmin


class RoleInline(RoleInlineBase):
    model = Role
    extra = 0


@admin.register(User)
class DelaktigUserAdmin(UserAdminBase):
    inlines = [RoleInline]
    list_display = ["email", "display_name", "is_active", "is_superuser"]
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        ("Delaktig", {"fields": ("display_name", "deleted_at")}),
    )
