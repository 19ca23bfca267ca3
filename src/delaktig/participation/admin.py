from django.contrib import admin

from .models import Feedback, Phase, Process, ProcessModule


class PhaseInline(admin.TabularInline[Phase, Process]):
    model = Phase
    extra = 0


class ModuleInline(admin.TabularInline[ProcessModule, Process]):
    model = ProcessModule
    extra = 0


@admin.register(Process)
class ProcessAdmin(admin.ModelAdmin[Process]):
    list_display = ["title", "organisation", "ladder_step", "status"]
    list_filter = ["status", "ladder_step", "organisation"]
    inlines = [ModuleInline, PhaseInline]
    readonly_fields = ["status"]


admin.site.register(Feedback)
