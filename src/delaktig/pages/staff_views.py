"""Staff pages: an organisation's tree of information pages (write, order, publish, delete)
and the seats in its bodies."""

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from delaktig.accounts.decorators import staff_required
from delaktig.accounts.roles import official_organisations
from delaktig.accounts.types import User
from delaktig.core.confirm import confirm_required
from delaktig.core.forms import form_errors, form_status, markdown_preview
from delaktig.organisations.models import Organisation

from . import selectors, services
from .forms import PageForm, SeatForm
from .models import Page, Seat
from .workflow import ACTION_LABELS, MACHINE, Action

PERM = "pages.change_page"


def _organisation(request: HttpRequest, slug: str) -> Organisation:
    organisation = get_object_or_404(Organisation, slug=slug)
    if not request.user.has_perm(PERM, organisation):
        raise PermissionDenied
    return organisation


def _page(request: HttpRequest, pk: int) -> Page:
    page = get_object_or_404(Page.objects.select_related("organisation", "parent__parent"), pk=pk)
    if not request.user.has_perm(PERM, page.organisation):
        raise PermissionDenied
    return page


def _seat(request: HttpRequest, pk: int) -> Seat:
    seat = get_object_or_404(Seat.objects.select_related("body__organisation"), pk=pk)
    if not request.user.has_perm(PERM, seat.body.organisation):
        raise PermissionDenied
    return seat


def _back(organisation: Organisation) -> str:
    return reverse("pages_staff:organisation", kwargs={"slug": organisation.slug})


def _actions(page: Page) -> list[tuple[str, str]]:
    return [(a.value, str(ACTION_LABELS[a])) for a in MACHINE.allowed_actions(page.status)]


@staff_required
def index(request: HttpRequest) -> HttpResponse:
    organisations = official_organisations(request.user).order_by("name")
    if len(organisations) == 1:
        return redirect("pages_staff:organisation", slug=organisations[0].slug)
    return render(request, "pages/staff/index.html", {"organisations": organisations})


@staff_required
def organisation(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _organisation(request, slug)
    rows = selectors.flatten(selectors.tree(organisation, drafts=True))
    return render(
        request,
        "pages/staff/organisation.html",
        {"organisation": organisation, "rows": [(node, _actions(node.page)) for node in rows]},
    )


def _fields(form: PageForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {name: data[name] for name in ("title", "kind", "slug", "summary", "body", "parent")}


@staff_required
def page_create(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _organisation(request, slug)
    form = PageForm(
        request.POST or None,
        organisation=organisation,
        initial={"parent": request.GET.get("under"), "kind": "other"},
    )
    if not markdown_preview(request, form) and request.method == "POST" and form.is_valid():
        with form_errors(form):
            page = services.page_create(
                actor=cast(User, request.user), organisation=organisation, **_fields(form)
            )
            messages.success(request, _("Sidan är sparad som utkast."))
            return redirect(page.get_staff_url())
    return render(
        request,
        "pages/staff/page_form.html",
        {"form": form, "organisation": organisation, "page": None},
        status=form_status(form),
    )


@staff_required
def page_edit(request: HttpRequest, pk: int) -> HttpResponse:
    page = _page(request, pk)
    form = PageForm(
        request.POST or None,
        organisation=page.organisation,
        page=page,
        initial=PageForm.initial_for(page),
    )
    if not markdown_preview(request, form) and request.method == "POST" and form.is_valid():
        with form_errors(form):
            services.page_update(actor=cast(User, request.user), page=page, **_fields(form))
            messages.success(request, _("Sidan är sparad."))
            return redirect(page.get_staff_url())
    return render(
        request,
        "pages/staff/page_form.html",
        {
            "form": form,
            "organisation": page.organisation,
            "page": page,
            "actions": _actions(page),
            "has_children": Page.objects.filter(parent=page).exists(),
        },
        status=form_status(form),
    )


@staff_required
@require_POST
def page_move(request: HttpRequest, pk: int) -> HttpResponse:
    page = _page(request, pk)
    direction = 1 if request.POST.get("direction") == "down" else -1
    services.page_move(actor=cast(User, request.user), page=page, direction=direction)
    return redirect(_back(page.organisation) + f"#sida-{page.pk}")


@staff_required
@require_POST
def page_transition(request: HttpRequest, pk: int) -> HttpResponse:
    page = _page(request, pk)
    try:
        action = Action(request.POST.get("action", ""))
    except ValueError as error:
        raise BadRequest(_("Okänt steg.")) from error
    page = services.page_transition(actor=cast(User, request.user), page=page, action=action)
    if page.is_published:
        messages.success(request, _("Sidan är publicerad."))
    else:
        messages.success(request, _("Sidan är ett utkast och visas inte för invånarna."))
    if request.POST.get("next") == "page":
        return redirect(page.get_staff_url())
    return redirect(_back(page.organisation) + f"#sida-{page.pk}")


@staff_required
@require_POST
def page_delete(request: HttpRequest, pk: int) -> HttpResponse:
    page = _page(request, pk)
    confirmation = confirm_required(
        request,
        question=_("Vill du verkligen ta bort sidan ”%(title)s”?") % {"title": page.title},
        consequence=_(
            "Sidan och alla dess översättningar tas bort. Det går bara när sidan inte har "
            "några undersidor."
        ),
        cancel_url=page.get_staff_url(),
    )
    if confirmation:
        return confirmation
    organisation = page.organisation
    services.page_delete(actor=cast(User, request.user), page=page)
    messages.success(request, _("Sidan är borttagen."))
    return redirect(_back(organisation))


# --- Seats --------------------------------------------------------------------------------


def _seat_fields(form: SeatForm) -> dict[str, Any]:
    data = form.cleaned_data
    names = ("body", "name", "party", "role", "term_start", "term_end")
    return {name: data[name] for name in names}


@staff_required
def seats(request: HttpRequest, slug: str) -> HttpResponse:
    """Every seat in the organisation's bodies, and the form to add one."""
    organisation = _organisation(request, slug)
    form = SeatForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        with form_errors(form):
            services.seat_create(actor=cast(User, request.user), **_seat_fields(form))
            messages.success(request, _("Uppdraget är sparat."))
            return redirect("pages_staff:seats", slug=organisation.slug)
    return render(
        request,
        "pages/staff/seats.html",
        {
            "organisation": organisation,
            "bodies": selectors.staff_seats(organisation),
            "form": form,
        },
        status=form_status(form),
    )


@staff_required
def seat_edit(request: HttpRequest, pk: int) -> HttpResponse:
    seat = _seat(request, pk)
    organisation = seat.body.organisation
    initial = {name: getattr(seat, name) for name in ("name", "party", "role", "term_start")}
    initial.update(body=seat.body_id, term_end=seat.term_end)
    form = SeatForm(request.POST or None, organisation=organisation, initial=initial)
    if request.method == "POST" and form.is_valid():
        with form_errors(form):
            services.seat_update(actor=cast(User, request.user), seat=seat, **_seat_fields(form))
            messages.success(request, _("Uppdraget är sparat."))
            return redirect("pages_staff:seats", slug=organisation.slug)
    return render(
        request,
        "pages/staff/seat_form.html",
        {"organisation": organisation, "seat": seat, "form": form},
        status=form_status(form),
    )


@staff_required
@require_POST
def seat_delete(request: HttpRequest, pk: int) -> HttpResponse:
    seat = _seat(request, pk)
    organisation = seat.body.organisation
    confirmation = confirm_required(
        request,
        question=_("Vill du verkligen ta bort uppdraget för %(name)s i %(body)s?")
        % {"name": seat.name, "body": seat.body.name},
        consequence=_("Uppdraget tas bort från informationssidorna."),
        cancel_url=reverse("pages_staff:seat_edit", kwargs={"pk": seat.pk}),
    )
    if confirmation:
        return confirmation
    services.seat_delete(actor=cast(User, request.user), seat=seat)
    messages.success(request, _("Uppdraget är borttaget."))
    return redirect("pages_staff:seats", slug=organisation.slug)
