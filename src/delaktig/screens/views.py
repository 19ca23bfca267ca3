"""The waiting-room screen, its colours, and a process's printable poster.

The screen is one page per item, for a TV in a waiting room or a library: it moves on by
itself with ``<meta http-equiv="refresh">`` (no script), and asks for the list afresh each
time, so it shows what is open now. It is rendered without the request's context processors:
no session is read or created and no cookie set (only a ``?sprak=`` the middleware keeps), so
a proxy may keep it for a few seconds.
"""

import base64
from datetime import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from delaktig.core.languages import SOURCE, content_language
from delaktig.core.params import int_param
from delaktig.core.sites import site_organisation
from delaktig.organisations.colours import WHITE, contrast_ratio
from delaktig.organisations.models import Branding, Organisation
from delaktig.organisations.selectors import primary_organisation
from delaktig.participation import selectors as participation_selectors
from delaktig.participation.models import Process

from . import qr, selectors

# The screen's own colours reach 7:1 (WCAG AAA); a brand colour is used only if it does too.
SCREEN_MIN_RATIO = 7.0
# How long a proxy or the TV's browser may keep one screen page, at most.
SCREEN_MAX_AGE = 30
POSTER_CACHE_SECONDS = 600


def _branding(organisation: Organisation) -> Branding | None:
    return Branding.objects.filter(organisation=organisation).first()


def brand_band(branding: Branding | None) -> str:
    """The organisation's primary colour for the screen's top band, if white text on it
    reaches 7:1; else "" (the screen's own dark band)."""
    colour = branding.primary_colour if branding else ""
    return colour if colour and contrast_ratio(colour, WHITE) >= SCREEN_MIN_RATIO else ""


def _query(**values: str | int | None) -> str:
    return "?" + urlencode({k: v for k, v in values.items() if v not in (None, "")})


@require_GET
def screen_primary(request: HttpRequest) -> HttpResponse:
    """``/skarm/``: the screen of the organisation the host is for (its own host), else of the
    organisation that runs the installation."""
    organisation = site_organisation(request) or primary_organisation()
    if organisation is None:
        raise Http404
    query = request.GET.urlencode()
    url = reverse("screens:screen", args=[organisation.slug])
    return redirect(url + (f"?{query}" if query else ""))


@require_GET
def screen(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation, slug=slug)
    code = request.GET.get("kommun", "").strip()
    municipality = selectors.municipality_of(organisation, code) if code else None
    if code and municipality is None:
        raise Http404
    asked = int_param(request.GET, "i", 0, minimum=0, maximum=1_000_000)
    screen_settings = selectors.settings_for(organisation)
    now = timezone.now()
    items = selectors.screen_items(
        organisation=organisation,
        municipality=municipality,
        kinds=screen_settings.kinds,
        now=now,
    )
    index, following = selectors.rotation(len(items), asked)
    item = items[index] if items else None
    language = content_language()
    sprak = language if "sprak" in request.GET and language != SOURCE else None
    kommun = code or None
    # Paused (WCAG 2.2.1 and 2.2.2): no refresh, and links to step through by hand.
    paused = request.GET.get("paus") == "1"
    seconds = screen_settings.seconds if item else 3 * screen_settings.seconds
    target = item.url if item else selectors.absolute(reverse("participation:list"), organisation)
    branding = _branding(organisation)
    band = brand_band(branding)
    html = render_to_string(
        "screens/screen.html",
        {
            "organisation": organisation,
            "municipality": municipality,
            "item": item,
            "position": index + 1,
            "count": len(items),
            "seconds": seconds,
            "next_url": _query(i=following, kommun=kommun, sprak=sprak),
            "paused": paused,
            "pause_url": _query(i=index, kommun=kommun, sprak=sprak, paus=1),
            "previous_url": _query(
                i=(index - 1) % len(items) if items else 0, kommun=kommun, sprak=sprak, paus=1
            ),
            "following_url": _query(i=following, kommun=kommun, sprak=sprak, paus=1),
            "resume_url": _query(i=index, kommun=kommun, sprak=sprak),
            "qr_svg": qr.svg_inline(target),
            "qr_text": qr.short_url(target),
            "brand_css": (
                reverse("screens:colours", kwargs={"slug": organisation.slug})
                + _query(v=branding.version if branding else 0)
                if band
                else ""
            ),
            "now": now,
            "LANGUAGE_CODE": get_language(),
        },
    )
    response = HttpResponse(html)
    patch_cache_control(response, public=True, max_age=min(SCREEN_MAX_AGE, seconds))
    return response


@require_GET
def screen_colours(request: HttpRequest, slug: str) -> HttpResponse:
    """``/skarm/<slug>/farger.css``: the screen's band in the brand colour, when it keeps
    7:1 against white text (``brand_band``); empty otherwise."""
    organisation = get_object_or_404(Organisation, slug=slug)
    band = brand_band(_branding(organisation))
    css = f":root{{--screen-band:{band}}}\n" if band else ""
    response = HttpResponse(css, content_type="text/css; charset=utf-8")
    patch_cache_control(response, public=True, max_age=300)
    return response


def _logo_data_uri(branding: Branding | None) -> str:
    """The logo inline, so that rendering the PDF fetches nothing over the network."""
    if branding is None or not branding.logo:
        return ""
    with branding.logo.open("rb") as stored:
        return "data:image/png;base64," + base64.b64encode(stored.read()).decode("ascii")


def render_poster(process: Process, now: datetime) -> bytes:
    """The poster as a tagged PDF (PDF/UA-1), the way the follow-up report is made."""
    from weasyprint import HTML

    url = selectors.absolute(process.get_absolute_url(), process.organisation)
    branding = _branding(process.organisation)
    html = render_to_string(
        "screens/poster.html",
        {
            "process": process,
            "title": selectors.shown(process, "title"),
            "summary": selectors.shown(process, "summary"),
            "steps": selectors.poster_steps(process, now),
            "url": url,
            "qr_src": qr.svg_data_uri(url),
            "qr_text": qr.short_url(url),
            "logo_src": _logo_data_uri(branding),
            "logo_alt": branding.logo_alt if branding else "",
            "LANGUAGE_CODE": get_language(),
        },
    )
    return bytes(
        HTML(string=html, base_url=settings.SITE_URL).write_pdf(
            pdf_variant="pdf/ua-1", pdf_tags=True
        )
    )


@require_GET
def poster(request: HttpRequest, slug: str) -> HttpResponse:
    """``/processer/<slug>/affisch.pdf``: an A4 poster for anyone who may see the process (a
    draft's is for its organisation's staff only: 404 to others)."""
    process = participation_selectors.process_for_page(viewer=request.user, slug=slug)
    if process is None:
        raise Http404
    key = ":".join(
        (
            "screens:poster",
            str(process.pk),
            process.updated.isoformat(),
            content_language(),
            get_language() or SOURCE,
        )
    )
    pdf = cache.get(key) if process.is_public else None
    if pdf is None:
        pdf = render_poster(process, timezone.now())
        if process.is_public:
            cache.set(key, pdf, POSTER_CACHE_SECONDS)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="affisch-{process.slug}.pdf"'
    if process.is_public:
        patch_cache_control(response, public=True, max_age=300)
    else:
        patch_cache_control(response, private=True, no_store=True)
    return response
