"""Gallring: applying the retention rules the apps declare, with each organisation's own times."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from delaktig.core import contributions
from delaktig.core.audit import audit_log
from delaktig.core.errors import ValidationFailed, require_perm

from .models import Organisation, RetentionRule


@dataclass(frozen=True)
class RetentionSetting:
    rule: contributions.Retention
    days: int
    is_default: bool


def retention_settings(*, organisation: Organisation) -> list[RetentionSetting]:
    """Every declared rule with the organisation's own time, or the default."""
    own = dict(RetentionRule.objects.filter(organisation=organisation).values_list("key", "days"))
    return [
        RetentionSetting(rule, own.get(rule.key, rule.default_days), rule.key not in own)
        for rule in contributions.retentions()
    ]


def retention_rules_save(
    *, actor: AbstractBaseUser, organisation: Organisation, days: dict[str, int]
) -> int:
    """Save the organisation's own retention times (``days`` by the rule's key). Returns how
    many changed."""
    require_perm(actor, "organisations.change_organisation", organisation)
    rules = {rule.key: rule for rule in contributions.retentions()}
    for key, value in days.items():
        if key not in rules:
            raise ValidationFailed("organisations.unknown_retention_rule", key=key)
        if value < rules[key].min_days:
            raise ValidationFailed(
                "organisations.retention_too_short", field=key, min_days=rules[key].min_days
            )
    changed = {}
    with transaction.atomic():
        current = {s.rule.key: s.days for s in retention_settings(organisation=organisation)}
        for key, value in days.items():
            if current.get(key) == value:
                continue
            RetentionRule.objects.update_or_create(
                organisation=organisation,
                key=key,
                defaults={"days": value, "updated_by": actor},
            )
            changed[key] = {"from": current.get(key), "to": value}
        if changed:
            audit_log(
                actor=actor,
                action="retention.update",
                target=organisation,
                organisation=organisation,
                data={"changed": changed},
            )
    return len(changed)


def retention_apply(*, now: datetime | None = None) -> int:
    """Apply every retention rule for every organisation (the daily job). Each application
    that removed something is written to the audit log, with the rule and the time used."""
    now = now or timezone.now()
    removed_total = 0
    for organisation in Organisation.objects.order_by("pk"):
        for setting in retention_settings(organisation=organisation):
            with transaction.atomic():
                removed = setting.rule.apply(organisation, setting.days, now)
                if removed:
                    audit_log(
                        actor=None,
                        action="retention.apply",
                        target=organisation,
                        organisation=organisation,
                        data={"rule": setting.rule.key, "days": setting.days, "removed": removed},
                    )
            removed_total += removed
    return removed_total
