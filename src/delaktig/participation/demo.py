"""Helpers for the apps' demo loaders: a process as their demo content describes it; the
process templates the platform ships; and the demo processes' English translations
(``demo_data.toml``)."""

from collections.abc import Mapping
from typing import Any

from delaktig.accounts.types import User
from delaktig.core.contributions import demo_content
from delaktig.organisations.models import Body, Organisation
from delaktig.translations.models import TranslatedModel
from delaktig.translations.services import Change, translations_save

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


def _translate(actor: User, obj: TranslatedModel | None, language: str, texts: Any) -> None:
    """Save ``texts`` ({field: text}) of ``obj`` in ``language``, reviewed by ``actor``."""
    if obj is None:
        return
    changes = [
        Change(field=name, text=text)
        for name, text in texts.items()
        if name in type(obj).translated_fields and getattr(obj, name)
    ]
    if changes:
        translations_save(actor=actor, obj=obj, language=language, changes=changes, reviewed=True)


def translations_load(*, actor: User) -> int:
    """The demo processes' translations (``demo_data.toml``), reviewed by ``actor``: each
    process, its discussion and phase, and its feedback. Returns how many processes."""
    content = demo_content(__file__)
    defaults = content["defaults"]
    discussion = defaults["discussion"]
    done = 0
    for spec in content["translations"]:
        process = Process.objects.filter(slug=spec["process"]).first()
        if process is None:
            continue
        language = spec["language"]
        texts = {**{k: v for k, v in defaults.items() if isinstance(v, str)}, **spec}
        _translate(actor, process, language, texts)
        for module in process.modules.filter(kind="discussion"):
            _translate(actor, module, language, discussion)
        for phase in process.phases.filter(phase_type="discussion"):
            texts = {
                "name": discussion["phase_name"],
                "description": discussion["phase_description"],
            }
            _translate(actor, phase, language, texts)
        _translate(actor, getattr(process, "feedback", None), language, spec.get("feedback", {}))
        done += 1
    return done
