"""Writes to an organisation's own pages and settings. Its retention times: ``retention.py``."""

from datetime import date
from functools import partial
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction

from delaktig.core.audit import audit_log
from delaktig.core.errors import ValidationFailed, require_perm

from .branding import LOGO_LIMITS, check_colour, prepare_logo
from .hosts import check_host
from .models import AccessibilityStatement, Branding, Organisation, OrganisationSettings


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
    open_data_licence: str | None = None,
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
    if open_data_licence is not None:
        values["open_data_licence"] = open_data_licence
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


def branding_save(
    *,
    actor: AbstractBaseUser,
    organisation: Organisation,
    primary_colour: str,
    accent_colour: str,
    logo_alt: str,
    logo: File[Any] | None = None,
    remove_logo: bool = False,
) -> Branding:
    """Save the organisation's colours and logo. A colour below 4.5:1 against the site's light
    backgrounds is refused with the nearest shade that passes; a logo is stored re-encoded
    (``branding.prepare_logo``) and needs an alternative text. The audit log names what
    changed."""
    require_perm(actor, "organisations.change_organisation", organisation)
    values: dict[str, Any] = {
        "primary_colour": check_colour(primary_colour, field="primary_colour"),
        "accent_colour": check_colour(accent_colour, field="accent_colour"),
        "logo_alt": logo_alt.strip(),
    }
    prepared = None
    if logo is not None:
        prepared = prepare_logo(logo.read(LOGO_LIMITS.max_bytes + 1), field="logo")
    with transaction.atomic():
        branding, _created = Branding.objects.select_for_update().get_or_create(
            organisation=organisation
        )
        keeps_logo = prepared is not None or (bool(branding.logo) and not remove_logo)
        if keeps_logo and not values["logo_alt"]:
            raise ValidationFailed("organisations.logo_alt_missing", field="logo_alt")
        changed = [name for name, value in values.items() if getattr(branding, name) != value]
        for name, value in values.items():
            setattr(branding, name, value)
        old_logo = branding.logo.name if branding.logo else ""
        branding.version += 1
        if prepared is not None:
            branding.logo.save("logo.png", ContentFile(prepared.data), save=False)
            branding.logo_width, branding.logo_height = prepared.width, prepared.height
            changed.append("logo")
        elif remove_logo and old_logo:
            branding.logo = None
            branding.logo_width = branding.logo_height = None
            changed.append("logo")
        branding.updated_by = actor  # type: ignore[assignment]
        branding.save()
        if old_logo and old_logo != (branding.logo.name if branding.logo else ""):
            transaction.on_commit(partial(branding.logo.storage.delete, old_logo))
        audit_log(
            actor=actor,
            action="branding.update",
            target=branding,
            organisation=organisation,
            data={"changed": changed},
        )
    return branding


def organisation_host_save(
    *, actor: AbstractBaseUser, organisation: Organisation, host: str
) -> Organisation:
    """Give the organisation its own host name, change it, or take it away (""). Only the
    platform administrator may (``organisations.change_host``): the name must first be in DNS,
    in the certificate and in ``ALLOWED_HOSTS``. A name this installation does not serve, or
    another organisation's, is refused; two saving the same name at once get one saved and one
    refusal (the unique constraint). The host cache forgets the old and new name on commit."""
    require_perm(actor, "organisations.change_host", organisation)
    new_host = check_host(host, organisation=organisation)
    try:
        with transaction.atomic():
            locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
            old_host = locked.host
            if old_host == new_host:
                return locked
            locked.host = new_host
            locked.save(update_fields=["host"])
            audit_log(
                actor=actor,
                action="organisation.host_update",
                target=locked,
                organisation=locked,
                data={"old": old_host, "new": new_host},
            )
    except IntegrityError:
        # Another organisation took the name between the check and the save.
        taken = Organisation.objects.filter(host=new_host).exclude(pk=organisation.pk).first()
        raise ValidationFailed(
            "organisations.host_taken",
            field="host",
            host=new_host,
            organisation=taken.name if taken else new_host,
        ) from None
    organisation.host = new_host
    return locked
