from typing import TYPE_CHECKING

from django.contrib import admin

from .models import Feedback, Phase, Process, ProcessModule

if TYPE_CHECKING:  # the admin classes are generic only to the type checker
    PhaseInlineBase = admin.TabularInline[Phase, Process]
    ModuleInlineBase = admin.TabularInline[ProcessModule, Process]
    ProcessAdminBase = admin.ModelAdmin[Process]
else:
    PhaseInlineBase = ModuleInlineBase = admin.TabularInline
    ProcessAdminBase = admin.ModelAdmin


class PhaseInline(PhaseInlineBase):
    model = Phase
    extra = 0


class ModuleInline(ModuleInlineBase):
    model = ProcessModule
    extra = 0


@admin.register(Process)
class ProcessAdmin(ProcessAdminBase):
    list_display = ["title", "organisation", "ladder_step", "status"]
    list_filter = ["status", "ladder_step", "organisation"]
    inlines = [ModuleInline, PhaseInline]
    readonly_fields = ["status"]


admin.site.register(Feedback)
