"""The platform registry: every kind of personal data is declared, exported and erased."""

from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models

from delaktig.core import contributions


def _covered() -> set[str]:
    return {ref for data in contributions.personal_data() for ref in data.covers}


def _refs_to_user() -> list[str]:
    user_model = get_user_model()
    refs = []
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if field.auto_created and not field.concrete:
                continue  # reverse relations
            if field.is_relation and field.related_model is user_model:
                refs.append(f"{model._meta.label}.{field.name}")
    return refs


def _declared_models() -> list[str]:
    return [
        model._meta.label
        for model in apps.get_models()
        if getattr(model, "holds_personal_data", False)
    ]


def test_every_reference_to_a_person_is_exported_and_erased() -> None:
    covered = _covered()
    missing = [
        ref
        for ref in _refs_to_user()
        if ref not in covered and ref.rsplit(".", 1)[0] not in covered
    ]
    assert not missing, (
        "These fields point at a person but no app declares how they are exported and erased "
        f"(add them to a PersonalData in the app's contributions.py): {missing}"
    )


def test_every_model_declared_to_hold_personal_data_is_covered() -> None:
    covered = _covered()
    covered_models = {ref if ref.count(".") == 1 else ref.rsplit(".", 1)[0] for ref in covered}
    missing = [label for label in _declared_models() if label not in covered_models]
    assert not missing, f"Declared to hold personal data but not covered: {missing}"


def test_every_declaration_names_real_fields() -> None:
    for ref in _covered():
        parts = ref.split(".")
        assert len(parts) in (2, 3), ref
        model = apps.get_model(parts[0], parts[1])
        if len(parts) == 3:
            field = model._meta.get_field(parts[2])
            assert isinstance(field, models.Field), ref


def test_every_declaration_says_why_and_how_long() -> None:
    keys = [data.key for data in contributions.personal_data()]
    assert len(keys) == len(set(keys))
    for data in contributions.personal_data():
        assert str(data.name) and str(data.purpose) and str(data.legal_basis), data.key
        assert data.retention is not None or str(data.kept_for), (
            f"{data.key}: say how long it is kept (a retention rule or kept_for)"
        )
        assert callable(data.export) and callable(data.erase)


def test_registry_refuses_a_second_declaration_for_an_app() -> None:
    existing = next(c for c in contributions.contributions() if c.app_label == "accounts")
    with pytest.raises(ValueError):
        contributions.contribute(contributions.Contribution(app_label="accounts"))
    assert contributions.contribute(existing) is existing


@pytest.mark.django_db
def test_export_holds_every_declared_key(django_user_model: Any) -> None:
    from delaktig.accounts.services import personal_data_export

    user = django_user_model.objects.create_user(username="a", email="a@example.se")
    data = personal_data_export(user=user)
    assert set(data) == {d.key for d in contributions.personal_data()}


def test_registry_refuses_an_inbox_queue_or_section_keyed_for_another_app() -> None:
    def nothing(user: Any) -> list[contributions.WorkItem]:
        return []

    queue = contributions.InboxQueue(key="other.queue", name="Q", explanation="", items=nothing)
    with pytest.raises(ValueError, match="not prefixed"):
        contributions.contribute(contributions.Contribution(app_label="probe", inbox=(queue,)))
    section = contributions.MineSection(key="other.section", name="S", items=nothing)
    with pytest.raises(ValueError, match="not prefixed"):
        contributions.contribute(contributions.Contribution(app_label="probe", mine=(section,)))
    assert "probe" not in {c.app_label for c in contributions.contributions()}


def test_inbox_queue_counts_its_items_unless_it_has_its_own_count() -> None:
    items = [
        contributions.WorkItem(title="a", url="/a/"),
        contributions.WorkItem(title="b", url="/b/"),
    ]
    listed = contributions.InboxQueue(key="x.q", name="Q", explanation="", items=lambda u: items)
    counted = contributions.InboxQueue(
        key="x.r", name="R", explanation="", items=lambda u: items, count=lambda u: 7
    )
    assert (listed.size(None), counted.size(None)) == (2, 7)


@pytest.mark.django_db
def test_the_organisations_moderators_may_decide_on_every_moderated_kind() -> None:
    """``moderation.moderate_item`` is asked about the item itself, so every moderated model
    must lead to its organisation (``organisation_id``, ``process`` or ``module``): otherwise
    only administrators could moderate it."""
    for kind in contributions.moderated_kinds():
        leads = [
            name
            for name in ("organisation_id", "process", "module")
            if hasattr(kind.model, name) or name in {f.name for f in kind.model._meta.fields}
        ]
        assert leads, f"{kind.key}: {kind.model.__name__} does not lead to its organisation"
