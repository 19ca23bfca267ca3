"""Helpers for the apps' demo loaders: a process as their demo content describes it; and the
process templates the platform ships."""

from collections.abc import Mapping
from typing import Any

from delaktig.accounts.types import User
from delaktig.core.contributions import demo_content
from delaktig.organisations.models import Body, Organisation

from .models import Perspective, Process, ProcessTemplate, SdgGoal, SdgTarget, TargetGroup
from .services import process_create
from .templates_spec import spec_check

# Keys of a demo process's TOML table that are the service's own arguments.
_TEXT_FIELDS = (
    "slug",
    "title",
    "summary",
    "easy_read_summary",
    "body",
    "ladder_step",
    "question",
    "purpose",
    "input_use",
    "decision_maker",
    "target_group_analysis",
)


def process_from_spec(
    *, actor: User, organisation: Organisation, spec: Mapping[str, Any]
) -> Process:
    """A process for the whole of ``organisation`` from a demo content table: the service's
    field names, ``body_name`` for the responsible body, and code lists ``targets``,
    ``perspectives``, ``goals`` and ``sdg_targets`` for its tags."""
    return process_create(
        actor=actor,
        organisation=organisation,
        responsible_body=Body.objects.filter(
            organisation=organisation, name=spec.get("body_name", "")
        ).first(),
        municipalities=organisation.municipalities.all(),
        target_groups=TargetGroup.objects.filter(code__in=spec.get("targets", [])),
        perspectives=Perspective.objects.filter(code__in=spec.get("perspectives", [])),
        sdg_goals=SdgGoal.objects.filter(number__in=spec.get("goals", [])),
        sdg_targets=SdgTarget.objects.filter(code__in=spec.get("sdg_targets", [])),
        **{name: spec[name] for name in _TEXT_FIELDS if name in spec},
    )


def templates_load() -> list[ProcessTemplate]:
    """The process templates the platform ships (``process_templates.toml``), for the whole
    platform; loading again updates those with the same ``key``."""
    loaded = []
    for item in demo_content(__file__, "process_templates.toml")["templates"]:
        template, _created = ProcessTemplate.objects.update_or_create(
            key=item["key"],
            defaults={
                "organisation": None,
                "name": item["name"],
                "description": item["description"],
                "spec": spec_check(item["spec"]),
            },
        )
        loaded.append(template)
    return loaded
