"""What is translated, missing or stale: per object, and per organisation and language for
the translators' workbench."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType

from delaktig.accounts.roles import (
    has_role_for,
    is_administrator,
    organisation_id_of,
    role_set,
    translator_languages,
)
from delaktig.accounts.types import Visitor
from delaktig.core.contributions import TranslatableKind, translatable_kinds
from delaktig.core.errors import ValidationFailed
from delaktig.core.languages import SOURCE, TRANSLATION_CODES
from delaktig.organisations.models import Organisation, OrganisationSettings, default_languages

from .files import Unit
from .models import Translation, source_hash


def languages_of(organisation: Organisation | int | None) -> list[str]:
    """The translation languages an organisation offers (its content languages but Swedish),
    in the platform's order."""
    organisation_id = organisation.pk if isinstance(organisation, Organisation) else organisation
    if organisation_id is None:
        return []
    chosen = (
        OrganisationSettings.objects.filter(organisation_id=organisation_id)
        .values_list("content_languages", flat=True)
        .first()
    )
    # An organisation that has not saved its settings offers the platform's default.
    offered = set(chosen if chosen is not None else default_languages())
    return [code for code in TRANSLATION_CODES if code in offered]


def organisation_languages(obj: object) -> list[str]:
    return languages_of(organisation_id_of(obj))


@dataclass
class ObjectStatus:
    kind: TranslatableKind
    obj: Any
    fields: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    draft: list[str] = field(default_factory=list)
    reviewed: list[str] = field(default_factory=list)
    # ``{field: Translation}``: the stored rows (current or stale, draft or reviewed).
    rows: dict[str, Translation] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return self.kind.label(self.obj) if self.kind.label else str(self.obj)

    @property
    def state(self) -> str:
        """missing, stale, draft or reviewed: the least finished of its fields."""
        for name in ("missing", "stale", "draft"):
            if getattr(self, name):
                return name
        return "reviewed"


def status(kind: TranslatableKind, objects: Iterable[Any], language: str) -> list[ObjectStatus]:
    """The state of each non-empty field of each object in ``language`` (one query)."""
    objects = list(objects)
    rows: dict[tuple[int, str], Translation] = {}
    if objects:
        query = Translation.objects.filter(
            content_type=ContentType.objects.get_for_model(kind.model),
            object_id__in=[obj.pk for obj in objects],
            language=language,
        )
        rows = {(row.object_id, row.field): row for row in query}
    out = []
    for obj in objects:
        entry = ObjectStatus(kind=kind, obj=obj)
        for name in kind.model.translated_fields:
            source = str(getattr(obj, name) or "")
            if not source.strip():
                continue
            entry.fields.append(name)
            row = rows.get((obj.pk, name))
            if row is not None:
                entry.rows[name] = row
            if row is None or not row.text.strip():
                entry.missing.append(name)
            elif row.source_hash != source_hash(source):
                entry.stale.append(name)
            elif not row.reviewed:
                entry.draft.append(name)
            else:
                entry.reviewed.append(name)
        if entry.fields:
            out.append(entry)
    return out


def kind_objects(kind: TranslatableKind, organisation: Organisation) -> Any:
    query = kind.model.objects.filter(**{kind.organisation: organisation.pk})
    if kind.scope is not None:
        query = kind.scope(query)
    return query.order_by("pk")


def organisation_status(organisation: Organisation, language: str) -> list[ObjectStatus]:
    """Every translatable text of the organisation, with its state in ``language``."""
    out: list[ObjectStatus] = []
    for kind in translatable_kinds():
        out.extend(status(kind, kind_objects(kind, organisation), language))
    return out


def counts(statuses: Iterable[ObjectStatus]) -> dict[str, int]:
    """Fields per state, for the workbench's overview."""
    totals: dict[str, int] = defaultdict(int)
    for entry in statuses:
        for name in ("missing", "stale", "draft", "reviewed"):
            totals[name] += len(getattr(entry, name))
    return dict(totals)


def untranslated(objects: Iterable[Any], language: str) -> list[tuple[Any, list[str]]]:
    """``[(obj, [field, …])]``: what a page shows in Swedish although ``language`` was asked
    for (for the notice at the top of a translated page)."""
    if language == SOURCE:
        return []
    out = []
    for obj in objects:
        if obj is None:
            continue
        fields = obj.untranslated_fields(language)
        if fields:
            out.append((obj, fields))
    return out


# --- The translators' workbench ---

STATES = ("missing", "stale", "draft", "reviewed")
# "Att göra": what still needs a translator, stale first.
TO_DO = ("stale", "missing", "draft")


def kind_for(key: str) -> TranslatableKind | None:
    for kind in translatable_kinds():
        if kind.key == key:
            return kind
    return None


def workbench_languages(user: Visitor, organisation: Organisation) -> list[str]:
    """The organisation's languages ``user`` translates into: all of them for its officials
    and administrators, the role's languages for a translator, none for anyone else."""
    offered = languages_of(organisation)
    if has_role_for(user, ("official",), organisation):
        return offered
    mine = translator_languages(user, organisation)
    return [code for code in offered if code in mine]


def workbench_organisations(user: Visitor) -> list[tuple[Organisation, list[str]]]:
    """``[(organisation, [language, …])]``: where ``user`` may translate, and into what."""
    if is_administrator(user):
        organisations = Organisation.objects.all()
    else:
        ids = {org for kind, org in role_set(user) if kind in ("official", "translator") and org}
        organisations = Organisation.objects.filter(pk__in=ids)
    out = []
    for organisation in organisations.select_related("settings").order_by("name"):
        codes = workbench_languages(user, organisation)
        if codes:
            out.append((organisation, codes))
    return out


@dataclass
class LanguageCounts:
    code: str
    counts: dict[str, int]

    @property
    def to_do(self) -> int:
        return sum(self.counts.get(name, 0) for name in TO_DO)


def overview(user: Visitor) -> list[tuple[Organisation, list[LanguageCounts]]]:
    """Per organisation and language the person translates into: fields missing, stale, in
    draft and reviewed (one query per kind and language)."""
    out = []
    for organisation, codes in workbench_organisations(user):
        objects = {
            kind.key: list(kind_objects(kind, organisation)) for kind in translatable_kinds()
        }
        languages = []
        for code in codes:
            statuses = [
                entry
                for kind in translatable_kinds()
                for entry in status(kind, objects[kind.key], code)
            ]
            languages.append(LanguageCounts(code, {n: 0 for n in STATES} | counts(statuses)))
        out.append((organisation, languages))
    return out


def filtered(statuses: list[ObjectStatus], show: str) -> list[ObjectStatus]:
    """The objects with at least one field in state ``show`` ("todo": missing, stale or
    draft), the most urgent first (stale, then missing, then drafts)."""
    if show == "todo":
        chosen = [s for s in statuses if any(getattr(s, n) for n in TO_DO)]
        rank = {name: index for index, name in enumerate(TO_DO)}
        return sorted(chosen, key=lambda s: min(rank[n] for n in TO_DO if getattr(s, n)))
    return [s for s in statuses if getattr(s, show)]


def object_status(kind: TranslatableKind, obj: Any, language: str) -> ObjectStatus:
    """One object's fields in ``language``, every translated field included (also empty
    ones, which have nothing to translate)."""
    found = status(kind, [obj], language)
    return found[0] if found else ObjectStatus(kind=kind, obj=obj)


def kind_object(kind: TranslatableKind, organisation: Organisation, pk: int) -> Any:
    """The object ``pk`` of ``kind`` among the organisation's translatable ones, or None."""
    return kind_objects(kind, organisation).filter(pk=pk).first()


def people_names(rows: Iterable[Translation]) -> dict[int, str]:
    """``{user id: public name}`` of the translators and reviewers of ``rows`` (one query)."""
    from delaktig.accounts.models import User

    ids = {i for row in rows for i in (row.translator_id, row.reviewed_by_id) if i}
    return {u.pk: u.display_name or u.email for u in User.objects.filter(pk__in=ids)}


def translators(organisation: Organisation) -> Any:
    """The organisation's translator roles, with their people."""
    from delaktig.accounts.models import Role

    return (
        Role.objects.filter(organisation=organisation, kind="translator")
        .select_related("user")
        .order_by("user__display_name", "user__email")
    )


def unit_id(kind: TranslatableKind, obj: Any, name: str) -> str:
    return f"{kind.key}:{obj.pk}:{name}"


def export_units(organisation: Organisation, language: str, *, everything: bool) -> list[Unit]:
    """The texts to send to a translation agency: missing, stale and draft ones (every text,
    with ``everything``), with the current Swedish and the translation there is."""
    units = []
    for kind in translatable_kinds():
        for entry in status(kind, kind_objects(kind, organisation), language):
            for name in entry.fields:
                if name in entry.reviewed and not everything:
                    continue
                source = str(getattr(entry.obj, name) or "")
                row = entry.rows.get(name)
                units.append(
                    Unit(
                        id=unit_id(kind, entry.obj, name),
                        source=source,
                        target=row.text if row is not None else "",
                        fingerprint=source_hash(source),
                        note=f"{kind.name}: {entry.label} ({name})",
                        reviewed=name in entry.reviewed,
                    )
                )
    return units


def account_by_email(email: str) -> Any:
    """The active account with ``email`` (its log-in address), for giving it a role."""
    from delaktig.accounts.models import User

    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is None:
        raise ValidationFailed("translations.unknown_person", field="email")
    return user
