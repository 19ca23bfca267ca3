"""The platform registry: what each app contributes to the platform as a whole.

An app declares its contribution in a ``contributions.py`` module, which
:class:`~delaktig.core.apps.CoreConfig` imports at start-up (``autodiscover_modules``):

- **personal data**: each kind of data about a person the app holds, why, on which legal basis,
  how it is exported for the person (GDPR art. 15 and 20), how it is erased or de-personalised
  when the account is deleted (art. 17, keeping what the public-access principle requires as a
  de-personalised record), and how long it is kept (gallring);
- **jobs**: time-driven work that ``manage.py tick`` runs;
- **demo data**: what the app adds to the demo region;
- **error messages**: the translated text for each of the app's error codes
  (:mod:`delaktig.core.catalogue`);
- **inbox queues**: what waits for staff (reported comments, proposals to register, overdue
  referrals…), which the one staff inbox lists with counts;
- **Mina sidor sections**: what a resident started or follows, listed on their own page;
- **notification kinds**: the e-mails the app sends that a person may turn off (or not).

The low apps (``core``, ``accounts``, ``demo``) read the registry and never import an app above
them by name. ``tests/test_contributions.py`` fails when a model that points at the user model,
or is declared to hold personal data, is covered by no export or no erasure.
"""

import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from .catalogue import Entry

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

Text = str | Promise


class LegalBasis:
    """The legal bases (GDPR art. 6) that declarations name most often."""

    CONSENT = _("Samtycke, artikel 6.1 a i GDPR")
    CONTRACT = _("Avtal (användarvillkoren), artikel 6.1 b i GDPR")
    ACCOUNTING = _("Rättslig förpliktelse, artikel 6.1 c i GDPR (bokföringslagen)")
    PUBLIC_TASK = _("Allmänt intresse, artikel 6.1 e i GDPR")
    LOCAL_GOVERNMENT = _("Allmänt intresse, artikel 6.1 e i GDPR (kommunallagen 8 kap.)")
    OFFICIAL_AUTHORITY = _("Allmänt intresse och myndighetsutövning, artikel 6.1 e i GDPR")


def keep(user: "AbstractBaseUser") -> None:
    """The erasure of data kept as it is (``on_erasure="kept"``): the records stay and point at
    the account row, which the account's own erasure anonymises last."""


@dataclass(frozen=True)
class Retention:
    """How long one kind of personal data is kept, and how it is removed when that time is up.

    ``apply(organisation, days, now)`` removes (or de-personalises) what belongs to the
    organisation and has been kept ``days`` past the point ``starts`` describes, and returns
    how many items it removed. ``default_days`` applies until the organisation sets its own.
    """

    key: str
    name: Text
    starts: Text
    default_days: int
    apply: Callable[[Any, int, datetime], int]
    min_days: int = 0


@dataclass(frozen=True)
class PersonalData:
    """One kind of personal data an app holds.

    ``covers`` names the model fields that point at a person (``"app_label.Model.field"``) or
    whole models that hold personal data (``"app_label.Model"``). ``export(user)`` returns
    JSON-ready data; ``erase(user)`` runs inside the account deletion's transaction.
    """

    key: str
    name: Text
    purpose: Text
    legal_basis: Text
    covers: tuple[str, ...]
    export: Callable[[Any], Any]
    erase: Callable[[Any], None]
    # What deletion does: "deleted", or "de-personalised" where the public-access principle
    # (offentlighetsprincipen) or the archives act requires the record to be kept.
    on_erasure: Literal["deleted", "de-personalised", "kept"] = "deleted"
    retention: Retention | None = None
    # Said on the privacy page when there is no automatic retention rule.
    kept_for: Text = ""
    # Erasures run in ascending order; the account row itself is blanked last, after the
    # apps that still need its e-mail address to find what they hold.
    erase_order: int = 0


@dataclass(frozen=True)
class Job:
    """Time-driven work. ``run(now)`` returns how many things it did; it must be idempotent,
    because ``tick`` may run twice or catch up after a pause."""

    key: str
    name: Text
    run: Callable[[datetime], int]
    every: Literal["hour", "day"] = "hour"


@dataclass(frozen=True)
class DemoContext:
    """What an app's demo loader gets: the demo region, its official and residents."""

    region: Any
    official: Any
    residents: list[Any]


def demo_content(
    module_file: str, name: str = "demo_data.toml", *, decimals: bool = False
) -> dict[str, Any]:
    """An app's demo content: the TOML file ``name`` next to ``module_file`` (pass
    ``__file__``). Demo content is data, not code. With ``decimals``, numbers with a decimal
    point are read as ``Decimal`` (amounts that must stay exact), else as ``float``."""
    path = Path(module_file).resolve().with_name(name)
    text = path.read_text(encoding="utf-8")
    return tomllib.loads(text, parse_float=Decimal) if decimals else tomllib.loads(text)


@dataclass(frozen=True)
class DemoData:
    load: Callable[[DemoContext], None]
    # Loaders run in ascending order (councils after meetings, for example).
    order: int = 100


@dataclass(frozen=True)
class WorkItem:
    """One line in the staff inbox or on Mina sidor: what it is and where it is handled."""

    title: str
    url: str
    # The organisation, process or state, shown under the title.
    detail: Text = ""
    # Since when it has waited (inbox) or when it happened (Mina sidor).
    when: date | datetime | None = None
    # Past a deadline: listed first and marked.
    urgent: bool = False


@dataclass(frozen=True)
class InboxQueue:
    """One kind of work waiting for staff. ``items(user)`` returns what *that* staff member may
    handle, oldest or most urgent first; ``count(user)``, when given, counts the same without
    building the items (for the menu), else the items are counted."""

    key: str
    name: Text
    # One sentence on what handling an item means, shown above the queue.
    explanation: Text
    items: Callable[[Any], Sequence[WorkItem]]
    count: Callable[[Any], int] | None = None
    order: int = 100

    def size(self, user: Any) -> int:
        return self.count(user) if self.count is not None else len(self.items(user))


@dataclass(frozen=True)
class MineSection:
    """One section of a resident's Mina sidor: ``items(user)`` lists what the person started,
    follows or takes part in, each with a link to act on it."""

    key: str
    name: Text
    items: Callable[[Any], Sequence[WorkItem]]
    # Shown when the list is empty; says where to start, with a link (``start``, its text)
    # to ``start_url`` (a ``reverse_lazy``) when there is such a place.
    empty: Text = ""
    start: Text = ""
    start_url: Text = ""
    order: int = 100


@dataclass(frozen=True)
class NotificationKind:
    """One kind of e-mail the app sends to a person. ``required`` kinds (a reply to the
    person's own case, account security) cannot be turned off; the others follow the person's
    notification settings, with ``default`` until they choose."""

    key: str
    name: Text
    description: Text
    default: bool = True
    required: bool = False
    # Sent only to staff (officials' reminders): the settings page shows it only to them.
    staff: bool = False
    # The settings page lists kinds in ascending order: what residents hear about first.
    order: int = 100


@dataclass(frozen=True)
class ModeratedKind:
    """One kind of text residents write that the moderation service looks after (a comment,
    an opinion-map statement, a question): how to read it, and how to withhold it from the
    public and to publish it again. The moderation app keeps the decisions and their
    statements of reasons; the owning app keeps the text and its public state."""

    key: str
    # What one item is called ("Kommentar") and the module it belongs to, for the public
    # moderation figures ("Diskussion").
    name: Text
    module: Text
    model: type[Any]
    text: Callable[[Any], str]
    # The person who wrote it (None when their account is gone).
    author: Callable[[Any], Any]
    organisation_id: Callable[[Any], int]
    # Where the item is shown (or would be), for the author, and for the moderator.
    url: Callable[[Any], str]
    # Take the item out of public view as the decision says (``withhold(item, decision)``: held
    # by screening, hidden with the reason in its place, rejected), and put it back
    # (``release``). Called inside the moderation service's transaction.
    withhold: Callable[[Any, Any], None]
    release: Callable[[Any], None]
    # Released, the text is public at once (a comment). False where release only returns it to
    # the app's own review (a question, a proposal at intake), whose notice then tells the
    # author: the moderation service sends no "it is shown now" e-mail of its own.
    public_on_release: bool = True
    # A moderator may hide it with the reason shown in its place (a comment in a thread);
    # otherwise withholding it is a rejection.
    hides_in_place: bool = False
    # Who may decide about it: by default the organisation's moderators and officials; a kind
    # whose withholding is also a formal step (rejecting a medborgarförslag at intake) names
    # the app's own permission.
    permission: str = "moderation.moderate_item"


@dataclass(frozen=True)
class TranslatableKind:
    """A model whose public texts can be translated (``translations.TranslatedModel``): how
    the translators' workbench finds its objects, their organisation and their public page."""

    key: str
    # What one object is called ("Process", "Fas"), for the workbench's lists.
    name: Text
    model: type[Any]
    # The ORM path from the model to its organisation's id ("organisation_id",
    # "process__organisation_id"), so that the workbench lists an organisation's texts in one
    # query per kind.
    organisation: str
    # The public page the text is shown on (the workbench links to it for context).
    url: Callable[[Any], str]
    # The objects worth translating, from all of the model's rows (for example not drafts no
    # one will read). ``None``: all of them.
    scope: Callable[[Any], Any] | None = None
    # A short label for one object in the workbench; ``str(obj)`` by default.
    label: Callable[[Any], str] | None = None
    order: int = 100


@dataclass(frozen=True)
class SiteLink:
    """A link the site's menu or footer shows (information pages, the open-data page …)."""

    key: str
    # ``links(request)`` -> [(label, url)]: may depend on the site's organisation, may be empty.
    links: Callable[[Any], Sequence[tuple[str, str]]]
    place: Literal["menu", "footer"] = "footer"
    order: int = 100


@dataclass(frozen=True)
class SearchText:
    """What the site search indexes of one object in one language: the title and the plain
    text of the page (Markdown rendered and its tags dropped)."""

    title: str
    body: str


@dataclass(frozen=True)
class SearchSource:
    """Objects of one model that the site search finds (``delaktig.search``).

    ``public()`` returns the queryset of what anyone may read (with what ``text`` needs
    selected); ``text(obj)`` the Swedish title and plain text its public page shows;
    ``organisation(obj)`` the id of the organisation it belongs to (the search's scope and
    filter); ``date(obj)`` the date that orders equally ranked hits.

    ``translated`` names the title and text fields whose reviewed, current translations are
    indexed too, so that a reader finds them in their content language. The index follows
    saves and deletions of ``model`` and of each model in ``depends`` (``(label, ids)``:
    ``ids(instance)`` returns the ids of this source's objects whose text or visibility that
    change may alter). A search re-checks every hit against ``public()`` before showing it,
    so a change the index has not yet followed never shows what is not public.
    """

    key: str
    # Plural, for the search's filter: "Förslag", "Möten".
    name: Text
    # Singular, shown with a hit: "Förslag", "Möte".
    kind: Text
    model: str
    public: Callable[[], Any]
    text: Callable[[Any], SearchText]
    organisation: Callable[[Any], int | None] = lambda obj: obj.organisation_id
    date: Callable[[Any], datetime | None] = lambda obj: None
    translated: tuple[str, ...] = ()
    depends: tuple[tuple[str, Callable[[Any], Iterable[int]]], ...] = ()
    order: int = 100


@dataclass(frozen=True)
class ApiRouter:
    """Endpoints of the open-data API (``/api/v1/<prefix>/``).

    ``router()`` returns a ``ninja.Router`` (imported when the API is built, so that the
    registry stays cheap to read). Every endpoint shows only what the public pages show.
    ``published_names`` lists the model fields holding a person's name that the app publishes
    on its public pages (``"app_label.Model.field"``); the personal-data test allows exactly
    these and nothing else of what the personal-data declarations cover.
    """

    key: str
    prefix: str
    router: Callable[[], Any]
    published_names: tuple[str, ...] = ()
    order: int = 100


@dataclass(frozen=True)
class DumpTable:
    """One CSV file of a dataset's nightly dump: ``rows(organisation)`` yields dicts whose keys
    are ``columns``."""

    name: str
    columns: tuple[str, ...]
    rows: Callable[[Any], Iterable[Mapping[str, Any]]]


@dataclass(frozen=True)
class OpenDataset:
    """A dataset the organisation publishes as open data: described in the DCAT-AP-SE
    catalogue, served by the API at ``api_path`` (filtered with ``?organisation=<slug>``),
    and dumped nightly as a ZIP of ``tables``.

    ``themes`` are the EU data themes (``GOVE``, ``SOCI``, ``REGI``, ``EDUC`` …).
    ``coverage(organisation)`` returns the (first, last) dates the data covers, or Nones;
    ``modified(organisation)`` when it last changed (``None`` when it holds nothing yet).
    """

    key: str
    title: Text
    description: Text
    api_path: str
    tables: tuple[DumpTable, ...]
    coverage: Callable[[Any], tuple[date | None, date | None]]
    modified: Callable[[Any], datetime | None]
    themes: tuple[str, ...] = ("GOVE",)
    keywords: tuple[Text, ...] = ()
    order: int = 100


@dataclass(frozen=True)
class Contribution:
    app_label: str
    personal_data: tuple[PersonalData, ...] = ()
    jobs: tuple[Job, ...] = ()
    demo: DemoData | None = None
    # The messages for the app's error codes, each code prefixed "<app_label>.", e.g.
    # {"proposals.not_verified": _("…")}; see delaktig.core.catalogue.
    errors: Mapping[str, "Entry"] = field(default_factory=dict)
    inbox: tuple[InboxQueue, ...] = ()
    mine: tuple[MineSection, ...] = ()
    notifications: tuple[NotificationKind, ...] = ()
    moderated: tuple[ModeratedKind, ...] = ()
    # Audit actions (prefixes such as "incident.") kept off the shared audit-log page, because
    # even who did what would disclose something confidential; the app shows them on its own
    # pages to those allowed to see them.
    private_audit: tuple[str, ...] = ()
    translatable: tuple[TranslatableKind, ...] = ()
    links: tuple[SiteLink, ...] = ()
    search: tuple[SearchSource, ...] = ()
    api: tuple[ApiRouter, ...] = ()
    datasets: tuple[OpenDataset, ...] = ()


_contributions: dict[str, Contribution] = {}


def contribute(contribution: Contribution) -> Contribution:
    existing = _contributions.get(contribution.app_label)
    if existing is not None and existing != contribution:
        raise ValueError(f"{contribution.app_label!r} has already declared its contribution")
    keys = {p.key for c in _contributions.values() for p in c.personal_data if c != existing}
    for data in contribution.personal_data:
        if data.key in keys:
            raise ValueError(f"personal data {data.key!r} is declared twice")
    for code in contribution.errors:
        if not code.startswith(f"{contribution.app_label}."):
            raise ValueError(f"error code {code!r} is not prefixed {contribution.app_label!r}")
    prefix = f"{contribution.app_label}."
    keyed_items: tuple[Any, ...] = (
        *contribution.inbox,
        *contribution.mine,
        *contribution.notifications,
        *contribution.moderated,
        *contribution.translatable,
        *contribution.links,
        *contribution.search,
        *contribution.api,
        *contribution.datasets,
    )
    for keyed in keyed_items:
        if not keyed.key.startswith(prefix):
            raise ValueError(f"key {keyed.key!r} is not prefixed {contribution.app_label!r}")
    _contributions[contribution.app_label] = contribution
    return contribution


def contributions() -> list[Contribution]:
    return sorted(_contributions.values(), key=lambda c: c.app_label)


def personal_data() -> list[PersonalData]:
    return [data for c in contributions() for data in c.personal_data]


def erasures() -> list[PersonalData]:
    return sorted(personal_data(), key=lambda data: data.erase_order)


def retentions() -> list[Retention]:
    return [data.retention for data in personal_data() if data.retention is not None]


def retention(key: str) -> Retention:
    for rule in retentions():
        if rule.key == key:
            return rule
    raise KeyError(key)


def jobs() -> list[Job]:
    return [job for c in contributions() for job in c.jobs]


def inbox_queues() -> list[InboxQueue]:
    return sorted((q for c in contributions() for q in c.inbox), key=lambda q: (q.order, q.key))


def mine_sections() -> list[MineSection]:
    return sorted((s for c in contributions() for s in c.mine), key=lambda s: (s.order, s.key))


def notification_kinds() -> list[NotificationKind]:
    kinds = (kind for c in contributions() for kind in c.notifications)
    return sorted(kinds, key=lambda kind: (kind.order, kind.key))


def private_audit_prefixes() -> tuple[str, ...]:
    return tuple(prefix for c in contributions() for prefix in c.private_audit)


def moderated_kinds() -> list[ModeratedKind]:
    return sorted((k for c in contributions() for k in c.moderated), key=lambda k: k.key)


def translatable_kinds() -> list[TranslatableKind]:
    return sorted(
        (kind for c in contributions() for kind in c.translatable),
        key=lambda kind: (kind.order, kind.key),
    )


def translatable_kind(key: str) -> TranslatableKind:
    for kind in translatable_kinds():
        if kind.key == key:
            return kind
    raise LookupError(key)


def site_links(place: str) -> list[SiteLink]:
    return sorted(
        (link for c in contributions() for link in c.links if link.place == place),
        key=lambda link: (link.order, link.key),
    )


def search_sources() -> list[SearchSource]:
    return sorted(
        (source for c in contributions() for source in c.search),
        key=lambda source: (source.order, source.key),
    )


def moderated_kind(key: str) -> ModeratedKind:
    for kind in moderated_kinds():
        if kind.key == key:
            return kind
    raise KeyError(key)


def notification_kind(key: str) -> NotificationKind:
    for kind in notification_kinds():
        if kind.key == key:
            return kind
    raise KeyError(key)


def demo_loaders() -> list[tuple[str, DemoData]]:
    loaders = [(c.app_label, c.demo) for c in contributions() if c.demo is not None]
    return sorted(loaders, key=lambda item: (item[1].order, item[0]))


def records_pointing_at(user: "AbstractBaseUser", fields: tuple[str, ...]) -> list[dict[str, Any]]:
    """Every row whose ``app_label.Model.field`` points at ``user``, for an export."""
    from django.apps import apps

    rows: list[dict[str, Any]] = []
    for ref in fields:
        app_label, model_name, field_name = ref.split(".")
        model = apps.get_model(app_label, model_name)
        for obj in model._default_manager.filter(**{field_name: user}).order_by("pk"):
            rows.append({"kind": str(model._meta.verbose_name), "id": obj.pk, "what": str(obj)})
    return rows


def staff_records(*, key: str, fields: tuple[str, ...]) -> PersonalData:
    """Officials' actions recorded by the authority (who created, decided, signed off).

    They are the authority's own records and are kept; the account they point at is
    anonymised when it is deleted, so they no longer name the official on the platform.
    """
    return PersonalData(
        key=key,
        name=_("Vad du gjort i en roll som personal"),
        purpose=_("Att myndigheten kan visa vem som gjorde vad i ett ärende."),
        legal_basis=LegalBasis.OFFICIAL_AUTHORITY,
        covers=fields,
        export=lambda user: records_pointing_at(user, fields),
        erase=keep,
        on_erasure="kept",
        kept_for=_("Enligt myndighetens dokumenthanteringsplan (arkivlagen)."),
    )


def _recover_tasks(now: datetime) -> int:
    from .tasks import recover_stale_tasks

    return recover_stale_tasks(now)


def _declare_core() -> None:
    # The audit log and Django admin's log record what staff did; they are kept.
    contribute(
        Contribution(
            app_label="core",
            personal_data=(
                staff_records(
                    key="core_staff", fields=("core.AuditEntry.actor", "admin.LogEntry.user")
                ),
            ),
            jobs=(
                Job(
                    key="recover_tasks",
                    name=_("Kör om bakgrundsjobb vars process försvann"),
                    run=_recover_tasks,
                ),
            ),
        )
    )


_declare_core()


def api_routers() -> list[ApiRouter]:
    return sorted(
        (router for c in contributions() for router in c.api),
        key=lambda router: (router.order, router.key),
    )


def datasets() -> list[OpenDataset]:
    return sorted(
        (dataset for c in contributions() for dataset in c.datasets),
        key=lambda dataset: (dataset.order, dataset.key),
    )


def dataset(key: str) -> OpenDataset:
    for candidate in datasets():
        if candidate.key == key:
            return candidate
    raise LookupError(key)
