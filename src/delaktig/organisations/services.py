"""Writes to an organisation's own pages and settings. Its retention times: ``retention.py``."""

from datetime import date
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from delaktig.core.audit import audit_log
from delaktig.core.errors import require_perm

from .models import AccessibilityStatement, Organisation, OrganisationSettings


def accessibility_statement_save(
    *,
    actor: AbstractBaseUser,
    organisation: Organisation,
    service_name: str,
    compliance: str,
    non_accessible_content: str,
    assessment_method: str,
    assessed_on: date,
    feedback_email: str,
    feedback_phone: str,
) -> AccessibilityStatement:
    """Write (or rewrite) the organisation's accessibility statement."""
    require_perm(actor, "organisations.change_accessibilitystatement", organisation)
    with transaction.atomic():
        statement, _created = AccessibilityStatement.objects.update_or_create(
            organisation=organisation,
            defaults={
                "service_name": service_name,
                "compliance": compliance,
                "non_accessible_content": non_accessible_content,
                "assessment_method": assessment_method,
                "assessed_on": assessed_on,
                "feedback_email": feedback_email,
                "feedback_phone": feedback_phone,
                "updated_by": actor,
            },
        )
        audit_log(
            actor=actor,
            action="accessibility_statement.update",
            target=statement,
            organisation=organisation,
        )
    return statement


def organisation_settings_save(
    *,
    actor: AbstractBaseUser,
    organisation: Organisation,
    enabled_modules: list[str],
    content_languages: list[str],
    contact_email: str,
    contact_phone: str,
    website: str,
) -> OrganisationSettings:
    """Save the organisation's local rules and contact details; the audit log names what
    changed."""
    require_perm(actor, "organisations.change_organisation", organisation)
    values: dict[str, Any] = {
        "enabled_modules": enabled_modules,
        "content_languages": content_languages,
        "contact_email": contact_email,
        "contact_phone": contact_phone,
        "website": website,
    }
    with transaction.atomic():
        saved, _created = OrganisationSettings.objects.select_for_update().get_or_create(
            organisation=organisation
        )
        changed = [name for name, value in values.items() if getattr(saved, name) != value]
        for name, value in values.items():
            setattr(saved, name, value)
        saved.save()
        audit_log(
            actor=actor,
            action="organisation_settings.update",
            target=saved,
            organisation=organisation,
            data={"changed": changed},
        )
    return saved
