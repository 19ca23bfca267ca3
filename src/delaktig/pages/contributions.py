"""What information pages contribute to the platform (see `delaktig.core.contributions`).

- their texts to the translators' workbench (``TranslatableKind``), lättläst included;
- the governance page to the menu and the Sami and minority pages to the footer
  (``SiteLink``), for the site's organisation;
- published pages to the site search (``SearchSource``);
- personal data: the names of elected representatives in the organisation's bodies
  (``Seat``), which are public but not tied to any account, kept while in office and then for
  the organisation's retention time; officials' action fields are the authority's records.
"""

from datetime import datetime, timedelta
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from delaktig.core.contributions import (
    Contribution,
    DemoData,
    LegalBasis,
    PersonalData,
    Retention,
    SearchSource,
    SearchText,
    SiteLink,
    TranslatableKind,
    contribute,
    keep,
    staff_records,
)
from delaktig.core.languages import content_language
from delaktig.core.markdown import plain_text
from delaktig.core.sites import site_organisation
from delaktig.organisations.selectors import primary_organisation

from . import demo, errors, selectors
from .models import Kind, Page, Seat

SEATS_DEFAULT_DAYS = 365


def _site_pages(request: HttpRequest) -> dict[str, Page]:
    """The site organisation's linked pages (the host's, else the primary one's), looked up
    once per request."""
    cached: dict[str, Page] | None = getattr(request, "_delaktig_site_pages", None)
    if cached is None:
        cached = selectors.site_pages(site_organisation(request) or primary_organisation())
        request._delaktig_site_pages = cached  # type: ignore[attr-defined]
    return cached


def _label(page: Page) -> str:
    # The menus are in the interface's language: the page's title in it where the content
    # language is the same (English), the Swedish title otherwise (a Sami reader's menus are
    # Swedish).
    return page.tr("title") if content_language() == get_language() else page.title


def _links(request: HttpRequest, kinds: tuple[str, ...]) -> list[tuple[str, str]]:
    pages = _site_pages(request)
    return [
        (_label(pages[kind]), pages[kind].get_absolute_url()) for kind in kinds if kind in pages
    ]


def _page_and_below(page: Page) -> list[int]:
    from django.db.models import Q

    below = Page.objects.filter(Q(parent_id=page.pk) | Q(parent__parent_id=page.pk))
    return [page.pk, *below.values_list("pk", flat=True)]


def _export_seats(user: Any) -> list[dict[str, Any]]:
    """Seats name people, not accounts: nothing in them is found by an account."""
    return []


def _seats_apply(organisation: Any, days: int, now: datetime) -> int:
    """Delete the seats whose term ended ``days`` ago or earlier."""
    cutoff = timezone.localdate(now) - timedelta(days=days)
    deleted, _by_model = Seat.objects.filter(
        body__organisation=organisation, term_end__lt=cutoff
    ).delete()
    return deleted


contribute(
    Contribution(
        app_label="pages",
        errors=errors.MESSAGES,
        translatable=(
            TranslatableKind(
                key="pages.page",
                name=_("Informationssida"),
                model=Page,
                organisation="organisation_id",
                url=lambda page: page.get_absolute_url(),
                label=lambda page: page.title,
                order=40,
            ),
        ),
        links=(
            SiteLink(
                key="pages.governance",
                links=lambda request: _links(request, (Kind.GOVERNANCE.value,)),
                place="menu",
                order=50,
            ),
            SiteLink(
                key="pages.languages",
                links=lambda request: _links(request, (Kind.SAMI.value, Kind.MINORITIES.value)),
                place="footer",
                order=50,
            ),
        ),
        search=(
            SearchSource(
                key="pages.pages",
                name=_("Informationssidor"),
                kind=_("Informationssida"),
                model="pages.Page",
                public=lambda: Page.objects.filter(selectors.VISIBLE),
                text=lambda page: SearchText(
                    title=page.title,
                    body=f"{page.summary} {plain_text(page.body, markdown=True)}",
                ),
                date=lambda page: page.published_at,
                translated=("title", "summary", "body"),
                # A page is visible only under published pages: a change of one moves the
                # pages below it in or out of the search.
                depends=(("pages.Page", _page_and_below),),
                order=20,
            ),
        ),
        personal_data=(
            PersonalData(
                key="pages_seats",
                name=_("Förtroendevaldas uppdrag i organ (namn, parti, uppdrag, mandatperiod)"),
                purpose=_(
                    "Att visa invånarna vilka som sitter i fullmäktige, styrelsen och "
                    "nämnderna. Namnen på förtroendevalda är allmänna uppgifter."
                ),
                legal_basis=LegalBasis.LOCAL_GOVERNMENT,
                covers=("pages.Seat",),
                export=_export_seats,
                # Not tied to an account: deleting an account leaves the public record.
                erase=keep,
                on_erasure="kept",
                retention=Retention(
                    key="pages_seats",
                    name=_("Uppdrag i organ på informationssidorna"),
                    starts=_("Räknas från när mandatperioden slutade."),
                    default_days=SEATS_DEFAULT_DAYS,
                    apply=_seats_apply,
                ),
                kept_for=_(
                    "Medan uppdraget pågår och därefter den tid organisationen har bestämt. "
                    "Uppgiften är inte kopplad till något konto."
                ),
            ),
            staff_records(
                key="pages_staff",
                fields=(
                    "pages.Page.created_by",
                    "pages.Page.updated_by",
                    "pages.Seat.updated_by",
                ),
            ),
        ),
        demo=DemoData(load=lambda context: demo.load(context), order=96),
    )
)
