"""The public pages: the organisations with information pages, one organisation's tree, and a
page (with its breadcrumbs, sub-pages, languages and, by kind, its bodies' members or the Sami
and minority languages)."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from delaktig.core.languages import EASY_READ, SOURCE, content_language, language
from delaktig.core.sites import list_scope, require_own_host
from delaktig.organisations.models import Organisation

from . import selectors
from .models import Kind, Page


def index(request: HttpRequest) -> HttpResponse:
    """Every organisation with information pages; one alone (the host's own, on its own host
    name) is shown at once."""
    listed = Organisation.objects.filter(pk__in=selectors.published_roots().values("organisation"))
    if (scope := list_scope(request)) is not None:
        listed = listed.filter(pk=scope.pk)
    organisations = list(listed.order_by("name"))
    if len(organisations) == 1:
        return redirect("pages:organisation", slug=organisations[0].slug)
    return render(request, "pages/index.html", {"organisations": organisations})


def organisation(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation, slug=slug)
    require_own_host(request, organisation)
    nodes = selectors.tree(organisation)
    can_edit = selectors.may_edit(request.user, organisation)
    if not nodes and not can_edit:
        raise Http404
    return render(
        request,
        "pages/organisation.html",
        {
            "organisation": organisation,
            "nodes": nodes,
            "tree_pages": [node.page for node in selectors.flatten(nodes)],
            "can_edit": can_edit,
        },
    )


def _languages(page: Page) -> dict[str, Any]:
    """The links to the page in the other languages it is available in."""
    current = content_language()
    available = selectors.available_languages(page)
    others = [language(code) for code in available if code not in (current, EASY_READ)]
    if current not in (SOURCE, EASY_READ):
        others.insert(0, language(SOURCE))
    return {
        "current": current,
        "easy_read": EASY_READ in available,
        "reading_easy": current == EASY_READ,
        "other_languages": others,
        "language_links": (
            selectors.language_links(page, available)
            if page.kind in (Kind.SAMI, Kind.MINORITIES)
            else []
        ),
    }


def page(request: HttpRequest, slug: str, path: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation, slug=slug)
    require_own_host(request, organisation)
    found = selectors.page_by_path(viewer=request.user, organisation=organisation, path=path)
    if found is None:
        raise Http404
    can_edit = selectors.may_edit(request.user, organisation)
    sub_pages = selectors.children(found, drafts=can_edit)
    return render(
        request,
        "pages/page.html",
        {
            "organisation": organisation,
            "page": found,
            "ancestors": found.ancestors(),
            "sub_pages": sub_pages,
            "bodies": (selectors.current_seats(organisation) if found.kind == Kind.BODIES else []),
            "can_edit": can_edit,
            **_languages(found),
        },
    )
