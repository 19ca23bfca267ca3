"""Reading information pages: an organisation's tree, a page by its path, the seats in its
bodies, the languages a page is available in, and the site search's hits."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.db.models import F, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from delaktig.accounts.types import Visitor
from delaktig.core.languages import Language, language
from delaktig.organisations.models import Body, Organisation
from delaktig.translations.access import prefetch
from delaktig.translations.models import Translation, source_hash
from delaktig.translations.selectors import languages_of

from .models import ROLE_ORDER, Kind, Page, Seat
from .workflow import Status

PUBLISHED = Status.PUBLISHED.value
# Published, and every page above it published (the tree is at most three levels deep).
VISIBLE = (
    Q(status=PUBLISHED)
    & (Q(parent__isnull=True) | Q(parent__status=PUBLISHED))
    & (Q(parent__parent__isnull=True) | Q(parent__parent__status=PUBLISHED))
)
SAMI_LANGUAGES = ("se", "sma", "smj")
MINORITY_LANGUAGES = ("fi", "fit", "se", "sma", "smj", "rom", "yi")
BODY_ORDER = {kind: index for index, kind in enumerate(Body.Kind.values)}


def published_roots() -> QuerySet[Page]:
    """The published top-level pages. An organisation has a page the public reaches exactly
    when it has one of these (the top of every reachable page is one), and they are found in
    the index of top-level addresses, where asking for a reachable page read every page of
    every organisation (``bench/pages.py``, "information pages")."""
    return Page.objects.filter(status=PUBLISHED, parent__isnull=True)


def may_edit(viewer: Visitor, organisation: Organisation) -> bool:
    return bool(viewer.has_perm("pages.change_page", organisation))


@dataclass
class Node:
    page: Page
    children: list["Node"] = field(default_factory=list)
    first: bool = True
    last: bool = True


def _pages(organisation: Organisation, *, drafts: bool, times: bool = True) -> list[Page]:
    """The organisation's pages (only those the public reaches unless ``drafts``), each with
    its ``parent`` set from the same list: no query to read a page's ancestors. Without
    ``times``, not when they were published, made and changed (each timestamp is parsed in
    Python, and the public tree shows none)."""
    query = Page.objects.filter(organisation=organisation)
    if not drafts:
        query = query.filter(VISIBLE)
    if not times:
        query = query.defer("published_at", "created", "updated_at")
    pages = list(query.order_by("depth", "position", "pk"))
    by_pk = {page.pk: page for page in pages}
    for page in pages:
        page.organisation = organisation
        if page.parent_id is not None and page.parent_id in by_pk:
            page.parent = by_pk[page.parent_id]
    return pages


def tree(organisation: Organisation, *, drafts: bool = False) -> list[Node]:
    """The organisation's pages as a tree, each level in its order. One query (and one for
    the translations in the reader's content language). The public tree (not ``drafts``)
    has no times (``_pages``)."""
    pages = _pages(organisation, drafts=drafts, times=drafts)
    prefetch(pages)
    nodes = {page.pk: Node(page) for page in pages}
    roots: list[Node] = []
    for page in pages:
        parent = nodes.get(page.parent_id) if page.parent_id else None
        (parent.children if parent else roots).append(nodes[page.pk])
    for siblings in [roots, *(node.children for node in nodes.values())]:
        for index, node in enumerate(siblings):
            node.first, node.last = index == 0, index == len(siblings) - 1
    return roots


def flatten(nodes: list[Node]) -> list[Node]:
    """The tree in reading order (a page, then its sub-pages)."""
    out: list[Node] = []
    for node in nodes:
        out.append(node)
        out.extend(flatten(node.children))
    return out


def page_by_path(*, viewer: Visitor, organisation: Organisation, path: str) -> Page | None:
    """The page at ``path`` ("a/b/c", slugs from the top), if the viewer may read it and every
    page above it: published ones for everyone, drafts too for the organisation's editors."""
    pages = _pages(organisation, drafts=may_edit(viewer, organisation))
    by_place = {(page.parent_id, page.slug): page for page in pages}
    page: Page | None = None
    for slug in [part for part in path.strip("/").split("/") if part]:
        page = by_place.get((page.pk if page else None, slug))
        if page is None:
            return None
    return page


def children(page: Page, *, drafts: bool = False) -> list[Page]:
    query = Page.objects.filter(parent=page)
    if not drafts:
        query = query.filter(status=PUBLISHED)
    pages = list(query.order_by("position", "pk"))
    for child in pages:
        child.parent, child.organisation = page, page.organisation
    prefetch(pages)
    return pages


def available_languages(page: Page) -> list[str]:
    """The content languages of the page's organisation into which every non-empty text of
    the page has a reviewed, current translation (lättläst included). One query."""
    offered = languages_of(page.organisation_id)
    rows = Translation.objects.filter(
        content_type=ContentType.objects.get_for_model(Page),
        object_id=page.pk,
        language__in=offered,
        state=Translation.State.REVIEWED,
    )
    done: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        source = str(getattr(page, row.field, "") or "")
        if row.text.strip() and row.source_hash == source_hash(source):
            done[row.language].add(row.field)
    needed = {name for name in Page.translated_fields if getattr(page, name)}
    return [code for code in offered if needed and needed <= done[code]]


@dataclass(frozen=True)
class LanguageLink:
    language: Language
    available: bool


def language_links(page: Page, available: list[str]) -> list[LanguageLink]:
    """For a Sami or minority page: each language it presents, and whether the page is
    available in it."""
    codes = SAMI_LANGUAGES if page.kind == Kind.SAMI else MINORITY_LANGUAGES
    return [LanguageLink(language(code), code in available) for code in codes]


def current_seats(
    organisation: Organisation, day: date | None = None
) -> list[tuple[Body, list[Seat]]]:
    """Each of the organisation's bodies with the seats held on ``day`` (today), chair first.
    Two queries."""
    day = day or timezone.localdate()
    seats = Seat.objects.filter(
        body__organisation=organisation, term_start__lte=day, term_end__gte=day
    )
    return _by_body(organisation, seats)


def staff_seats(organisation: Organisation) -> list[tuple[Body, list[Seat]]]:
    """Every seat of every body, past and coming terms too, for the staff page."""
    return _by_body(organisation, Seat.objects.filter(body__organisation=organisation))


def _by_body(organisation: Organisation, seats: QuerySet[Seat]) -> list[tuple[Body, list[Seat]]]:
    bodies = sorted(
        Body.objects.filter(organisation=organisation),
        key=lambda body: (BODY_ORDER.get(body.kind, 9), body.name),
    )
    held: dict[int, list[Seat]] = defaultdict(list)
    for seat in seats:
        held[seat.body_id].append(seat)
    for body in bodies:
        for seat in held[body.pk]:
            seat.body = body
    return [
        (
            body,
            sorted(
                held[body.pk],
                key=lambda s: (ROLE_ORDER.index(s.role), -s.term_end.toordinal(), s.name),
            ),
        )
        for body in bodies
    ]


def site_pages(organisation: Organisation | None) -> dict[str, Page]:
    """The organisation's first page of each special kind (all but ``other``, which no menu
    links) that the public reaches, for the menu and the footer, on every page of the site.
    One query that returns those pages alone (a row number per kind, in the tree's order)
    with their parents for the address, without their text: reading all of an organisation's
    pages to pick them made the empty layout 26 ms at 300 pages (``bench/pages.py``)."""
    if organisation is None:
        return {}
    first = Window(
        RowNumber(), partition_by=[F("kind")], order_by=[F("depth"), F("position"), F("pk")]
    )
    pages = (
        Page.objects.filter(VISIBLE, organisation=organisation)
        .exclude(kind=Kind.OTHER)
        .select_related("parent__parent")
        .defer("body", "parent__body", "parent__parent__body")
        .annotate(first=first)
        .filter(first=1)
    )
    found: dict[str, Page] = {}
    for page in pages:
        page.organisation = organisation
        found[page.kind] = page
    return found
