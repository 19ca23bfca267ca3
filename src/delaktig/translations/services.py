"""Saving and reviewing translations (see ``models`` for what a translation is)."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from delaktig.accounts.models import Role
from delaktig.accounts.roles import has_role_for, organisation_id_of, translator_languages
from delaktig.accounts.types import User
from delaktig.core.audit import audit_log
from delaktig.core.contributions import TranslatableKind
from delaktig.core.errors import (
    Conflict,
    NotFound,
    PermissionDenied,
    ValidationFailed,
    require_perm,
)
from delaktig.core.languages import BY_CODE, TRANSLATION_CODES, language
from delaktig.organisations.models import Organisation

from . import files
from .access import forget
from .files import Returned
from .models import TranslatedModel, Translation, source_hash
from .selectors import kind_for, kind_objects, languages_of, organisation_languages


def _organisation(obj: object) -> Organisation | None:
    organisation_id = organisation_id_of(obj)
    if organisation_id is None:
        return None
    return Organisation.objects.filter(pk=organisation_id).first()


def may_translate(actor: User, obj: object, code: str) -> bool:
    """Officials of the object's organisation into any of its languages; translators into
    theirs."""
    if has_role_for(actor, ("official",), obj):
        return True
    return code in translator_languages(actor, obj)


def _require(actor: User, obj: TranslatedModel, code: str) -> None:
    require_perm(actor, "translations.change_translation", obj)
    if code not in TRANSLATION_CODES or code not in organisation_languages(obj):
        raise ValidationFailed("translations.unknown_language")
    if not may_translate(actor, obj, code):
        raise PermissionDenied("translations.not_your_language", language=language(code).name_local)


@dataclass(frozen=True)
class Change:
    field: str
    text: str
    # The fingerprint of the Swedish the translator saw; "" to take the current one. A text
    # whose Swedish changed meanwhile is refused, so a translation is never stored as current
    # for Swedish its translator did not read.
    seen: str = ""
    # The fingerprint (``source_hash``) of the translation the translator started from ("" for
    # none); None not to check. A text saved meanwhile by someone else is then not overwritten
    # unseen: the save is refused.
    was: str | None = None


def translations_save(
    *,
    actor: User,
    obj: TranslatedModel,
    language: str,
    changes: Iterable[Change],
    reviewed: bool = False,
) -> int:
    """Store the translator's texts of ``obj`` in ``language``; an empty text removes the
    translation. ``reviewed`` marks every saved text reviewed by ``actor`` (a changed text
    otherwise goes back to draft). Returns how many rows changed."""
    _require(actor, obj, language)
    changes = list(changes)
    content_type = ContentType.objects.get_for_model(type(obj))
    changed = 0
    with transaction.atomic():
        # Lock the object, so that the Swedish cannot change between the check and the save.
        fresh = type(obj)._default_manager.select_for_update(of=("self",)).get(pk=obj.pk)
        existing = {
            row.field: row
            for row in Translation.objects.select_for_update().filter(
                content_type=content_type, object_id=obj.pk, language=language
            )
        }
        now = timezone.now()
        for change in changes:
            if change.field not in type(obj).translated_fields:
                raise ValidationFailed("translations.not_translatable", field=change.field)
            source = str(getattr(fresh, change.field) or "")
            fingerprint = source_hash(source)
            if change.seen and change.seen != fingerprint:
                raise ValidationFailed("translations.changed_meanwhile", field=change.field)
            text = change.text.strip()
            row = existing.get(change.field)
            stored = row.text.strip() if row is not None else ""
            if change.was is not None and change.was != source_hash(stored) and text != stored:
                raise Conflict("translations.saved_meanwhile", field=change.field)
            if not text:
                if row is not None:
                    row.delete()
                    changed += 1
                continue
            if row is None:
                row = Translation(
                    content_type=content_type,
                    object_id=obj.pk,
                    language=language,
                    field=change.field,
                )
            same = row.pk and row.text == text and row.source_hash == fingerprint
            if same and (row.reviewed or not reviewed):
                continue
            if not same:
                row.translator = actor
            row.text, row.source_hash, row.source_text = text, fingerprint, source
            if reviewed:
                row.state, row.reviewed_by, row.reviewed_at = Translation.State.REVIEWED, actor, now
            else:
                row.state, row.reviewed_by, row.reviewed_at = Translation.State.DRAFT, None, None
            row.save()
            changed += 1
        if changed:
            audit_log(
                actor=actor,
                action=f"translation.save.{language}",
                target=fresh,
                organisation=_organisation(fresh),
                data={"fields": sorted(c.field for c in changes), "reviewed": reviewed},
            )
    forget(obj)
    return changed


def translations_review(*, actor: User, obj: TranslatedModel, language: str) -> int:
    """Mark every current draft translation of ``obj`` in ``language`` reviewed by ``actor``."""
    _require(actor, obj, language)
    with transaction.atomic():
        # Lock the object, so that the Swedish cannot change while its translations are reviewed.
        fresh = type(obj)._default_manager.select_for_update(of=("self",)).get(pk=obj.pk)
        rows = list(
            Translation.objects.select_for_update().filter(
                content_type=ContentType.objects.get_for_model(type(obj)),
                object_id=obj.pk,
                language=language,
                state=Translation.State.DRAFT,
            )
        )
        current = [
            row
            for row in rows
            if row.field in type(obj).translated_fields
            and row.source_hash == source_hash(str(getattr(fresh, row.field) or ""))
        ]
        if not current:
            raise ValidationFailed("translations.nothing_to_review")
        now = timezone.now()
        for row in current:
            row.state, row.reviewed_by, row.reviewed_at = Translation.State.REVIEWED, actor, now
            row.save(update_fields=["state", "reviewed_by", "reviewed_at", "updated_at"])
        audit_log(
            actor=actor,
            action=f"translation.review.{language}",
            target=fresh,
            organisation=_organisation(fresh),
            data={"fields": sorted(row.field for row in current)},
        )
    forget(obj)
    return len(current)


# --- Files back from a translation agency ---

SKIP_CHANGED = "changed"
SKIP_OTHER_ORGANISATION = "other_organisation"
SKIP_UNKNOWN = "unknown"


@dataclass
class ImportResult:
    saved: int = 0
    unchanged: int = 0
    # Units the file leaves untranslated (an empty target): nothing is removed.
    empty: int = 0
    # ``(unit id, note, reason)`` of each unit not stored.
    skipped: list[tuple[str, str, str]] = field(default_factory=list)


def _require_language(actor: User, organisation: Organisation, code: str) -> None:
    require_perm(actor, "translations.change_translation", organisation)
    if code not in organisation_languages(organisation):
        raise ValidationFailed("translations.unknown_language")
    if not may_translate(actor, organisation, code):
        raise PermissionDenied("translations.not_your_language", language=language(code).name_local)


def _objects(
    organisation: Organisation, units: list[Returned]
) -> dict[tuple[str, int], tuple[TranslatableKind, TranslatedModel] | str]:
    """``{(kind key, pk): (kind, object) or a skip reason}`` for the units' ids (one query
    per kind)."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for unit in units:
        key, pk, _field = parse_unit_id(unit.id)
        if key and pk:
            wanted[key].add(pk)
    out: dict[tuple[str, int], tuple[TranslatableKind, TranslatedModel] | str] = {}
    for key, pks in wanted.items():
        kind = kind_for(key)
        if kind is None:
            continue
        found = {obj.pk: obj for obj in kind_objects(kind, organisation).filter(pk__in=pks)}
        elsewhere = set(
            kind.model.objects.filter(pk__in=pks - set(found)).values_list("pk", flat=True)
        )
        for pk in pks:
            if pk in found:
                out[(key, pk)] = (kind, found[pk])
            elif pk in elsewhere:
                out[(key, pk)] = SKIP_OTHER_ORGANISATION
    return out


def parse_unit_id(value: str) -> tuple[str, int, str]:
    """``"participation.process:12:title"`` → ``("participation.process", 12, "title")``;
    ``("", 0, "")`` for anything else."""
    parts = value.rsplit(":", 2)
    if len(parts) != 3 or not parts[1].isdigit():
        return "", 0, ""
    return parts[0], int(parts[1]), parts[2]


def translations_import(
    *,
    actor: User,
    organisation: Organisation,
    language: str,
    data: bytes,
    reviewed: bool = False,
) -> ImportResult:
    """Store the translations of an XLIFF or PO file (see ``files``) in one transaction.

    A unit whose Swedish changed since the export, or whose object is another organisation's
    or unknown, is skipped and listed. A unit the file marks as final is stored reviewed only
    when ``reviewed`` is asked for; everything else as a draft."""
    _require_language(actor, organisation, language)
    returned = files.read(data)
    if not returned.language:
        raise ValidationFailed("translations.file_no_language", field="file")
    if returned.language != language:
        raise ValidationFailed(
            "translations.file_wrong_language",
            field="file",
            found=BY_CODE[returned.language].name_local
            if returned.language in BY_CODE
            else returned.language,
            language=BY_CODE[language].name_local,
        )
    result = ImportResult()
    # (kind key, pk, reviewed) -> the object and its changes, so each object is saved once.
    batches: dict[tuple[str, int, bool], tuple[TranslatedModel, list[Change]]] = {}
    with transaction.atomic():
        objects = _objects(organisation, returned.units)
        for unit in returned.units:
            key, pk, name = parse_unit_id(unit.id)
            found = objects.get((key, pk), SKIP_UNKNOWN)
            if isinstance(found, str) or name not in type(found[1]).translated_fields:
                reason = found if isinstance(found, str) else SKIP_UNKNOWN
                result.skipped.append((unit.id, unit.source[:80], reason))
                continue
            obj = found[1]
            current = str(getattr(obj, name) or "")
            seen = unit.fingerprint or source_hash(unit.source)
            if seen != source_hash(current):
                result.skipped.append((unit.id, unit.source[:80], SKIP_CHANGED))
                continue
            if not unit.target.strip():
                result.empty += 1
                continue
            final = reviewed and unit.final
            batch = batches.setdefault((key, pk, final), (obj, []))
            batch[1].append(Change(field=name, text=unit.target, seen=seen))
        for (_key, _pk, final), (obj, changes) in batches.items():
            changed = translations_save(
                actor=actor, obj=obj, language=language, changes=changes, reviewed=final
            )
            result.saved += changed
            result.unchanged += len(changes) - changed
        audit_log(
            actor=actor,
            action=f"translation.import.{language}",
            target=organisation,
            organisation=organisation,
            data={
                "saved": result.saved,
                "unchanged": result.unchanged,
                "skipped": len(result.skipped),
                "reviewed": reviewed,
            },
        )
    return result


# --- The translator role ---


def translator_role_save(
    *, actor: User, organisation: Organisation, user: User, languages: Iterable[str]
) -> Role:
    """Make ``user`` a translator of ``organisation`` into ``languages`` (some of the
    organisation's languages), or change their languages."""
    require_perm(actor, "accounts.manage_roles")
    chosen = list(dict.fromkeys(languages))
    if not chosen:
        raise ValidationFailed("translations.no_languages", field="languages")
    offered = languages_of(organisation)
    if any(code not in offered for code in chosen):
        raise ValidationFailed("translations.unknown_language", field="languages")
    chosen.sort(key=offered.index)
    with transaction.atomic():
        role, created = Role.objects.select_for_update().get_or_create(
            user=user,
            kind=Role.Kind.TRANSLATOR,
            organisation=organisation,
            defaults={"languages": chosen},
        )
        if not created:
            role.languages = chosen
            role.save(update_fields=["languages"])
        audit_log(
            actor=actor,
            action="role.translator.save",
            target=role,
            organisation=organisation,
            data={"user": user.pk, "languages": chosen},
        )
    user.__dict__.pop("_delaktig_roles", None)
    user.__dict__.pop("_delaktig_languages", None)
    return role


def translator_role_remove(*, actor: User, role: Role) -> None:
    require_perm(actor, "accounts.manage_roles")
    if role.kind != Role.Kind.TRANSLATOR or role.organisation is None:
        raise NotFound("translations.not_a_translator")
    with transaction.atomic():
        audit_log(
            actor=actor,
            action="role.translator.remove",
            target=role,
            organisation=role.organisation,
            data={"user": role.user_id, "languages": role.languages},
        )
        role.delete()
