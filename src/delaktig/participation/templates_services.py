"""Writes for process templates: start a process from one, save a process as one, edit, delete.

The spec format is in ``templates_spec.py``; the staff pages are ``templates_views.py``.
"""

from collections.abc import Mapping
from datetime import date, datetime, time
from typing import Any

from django.db import transaction
from django.utils import timezone

from delaktig.accounts.types import User
from delaktig.core.audit import audit_log
from delaktig.core.errors import ValidationFailed, require_perm

from . import registry
from .models import (
    Process,
    ProcessModule,
    ProcessTemplate,
)
from .services import module_add, phase_create, process_create
from .templates_spec import TEXT_FIELDS, schedule, spec_check, spec_from_toml


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time()))


def _build(actor: User, process: Process, spec: Mapping[str, Any], starts_on: date) -> None:
    """The template's modules, then its phases (dated from ``starts_on``), then the modules'
    own settings, which may read the phases (a survey's answering dates)."""
    modules: dict[str, ProcessModule] = {}
    for item in spec.get("modules", []):
        modules[item["key"]] = module_add(
            actor=actor,
            process=process,
            kind=item["kind"],
            title=item["title"],
            description=item.get("description", ""),
        )
    for planned in schedule(spec, starts_on):
        phase_create(
            actor=actor,
            process=process,
            name=planned.name,
            description=planned.description,
            module=modules[planned.module] if planned.module else None,
            phase_type=planned.phase_type,
            starts_at=_midnight(planned.starts_on),
            ends_at=_midnight(planned.ends_on),
        )
    for item in spec.get("modules", []):
        hooks = registry.get(item["kind"]).templates
        if hooks is not None and item.get("settings"):
            hooks.apply(actor, modules[item["key"]], item["settings"])


def process_create_from_template(
    *, actor: User, template: ProcessTemplate, starts_on: date, **fields: Any
) -> Process:
    """Start a draft process with what the official wrote in the prefilled form (``fields``:
    the keyword arguments of :func:`~delaktig.participation.services.process_create`), and the
    template's modules and phases, dated from ``starts_on``: all of it or nothing."""
    require_perm(actor, "participation.use_processtemplate", template)
    spec = spec_check(template.spec)
    if starts_on < timezone.localdate():
        raise ValidationFailed("participation.template_start_in_past", field="starts_on")
    with transaction.atomic():
        process = process_create(actor=actor, **fields)
        _build(actor, process, spec, starts_on)
        audit_log(
            actor=actor,
            action="process.create_from_template",
            target=process,
            organisation=process.organisation,
            data={"template": template.pk, "name": template.name, "starts_on": str(starts_on)},
        )
    return process


# --- Save as template ---


def _process_part(process: Process, start: date) -> dict[str, Any]:
    part: dict[str, Any] = {
        name: getattr(process, name)
        for name in TEXT_FIELDS
        if name not in ("body_name", "language") and getattr(process, name)
    }
    part["ladder_step"] = process.ladder_step
    if process.language != "sv":
        part["language"] = process.language
    if process.responsible_body is not None:
        part["body_name"] = process.responsible_body.name
    part["targets"] = [t.code for t in process.target_groups.all()]
    part["perspectives"] = [p.code for p in process.perspectives.all()]
    part["goals"] = [g.number for g in process.sdg_goals.all()]
    part["sdg_targets"] = [t.code for t in process.sdg_targets.all()]
    if process.decision_expected and process.decision_expected >= start:
        part["decision_expected_days"] = (process.decision_expected - start).days
    return part


def spec_from_process(process: Process) -> dict[str, Any]:
    """What starting ``process`` again would take, its dates counted from its first phase."""
    phases = list(process.phases.select_related("module").order_by("starts_at", "id"))
    start = (
        timezone.localdate(phases[0].starts_at) if phases else timezone.localdate(process.created)
    )
    keys: dict[int, str] = {}
    modules = []
    for index, module in enumerate(process.modules.all(), start=1):
        keys[module.pk] = f"{module.kind}-{index}"
        item: dict[str, Any] = {"key": keys[module.pk], "kind": module.kind, "title": module.title}
        if module.description:
            item["description"] = module.description
        hooks = module.module_type.templates
        settings = hooks.export(module) if hooks is not None else {}
        if settings:
            item["settings"] = settings
        modules.append(item)
    planned = []
    for phase in phases:
        starts, ends = timezone.localdate(phase.starts_at), timezone.localdate(phase.ends_at)
        item = {"name": phase.name, "start_day": (starts - start).days}
        item["days"] = max(1, (ends - starts).days)
        if phase.description:
            item["description"] = phase.description
        if phase.module_id in keys:
            item["module"], item["phase_type"] = keys[phase.module_id], phase.phase_type
        planned.append(item)
    return {"process": _process_part(process, start), "modules": modules, "phases": planned}


def process_template_from_process(
    *, actor: User, process: Process, name: str, description: str
) -> ProcessTemplate:
    """Save ``process`` as a template of its organisation ("Spara som mall")."""
    require_perm(actor, "participation.add_processtemplate", process.organisation)
    require_perm(actor, "participation.change_process", process)
    spec = spec_check(spec_from_process(process))
    with transaction.atomic():
        template = ProcessTemplate.objects.create(
            organisation=process.organisation,
            name=name,
            description=description,
            spec=spec,
            created_by=actor,
        )
        audit_log(
            actor=actor,
            action="process_template.create",
            target=template,
            organisation=process.organisation,
            data={"process": process.pk},
        )
    return template


def process_template_update(
    *, actor: User, template: ProcessTemplate, name: str, description: str, content: str
) -> ProcessTemplate:
    """Change a template: its name, description and content written as TOML."""
    require_perm(actor, "participation.change_processtemplate", template)
    checked = spec_from_toml(content)
    with transaction.atomic():
        template.name, template.description, template.spec = name, description, checked
        template.save()
        audit_log(
            actor=actor,
            action="process_template.update",
            target=template,
            organisation=template.organisation,
        )
    return template


def process_template_delete(*, actor: User, template: ProcessTemplate) -> None:
    require_perm(actor, "participation.change_processtemplate", template)
    with transaction.atomic():
        audit_log(
            actor=actor,
            action="process_template.delete",
            target=template,
            organisation=template.organisation,
        )
        template.delete()
