"""The public pages of a participatory budget: the budget and its ideas, sending an idea, an
idea's page, the ballot and its receipt, checking a receipt, and the results with their open
data (CSV, the anonymous ballots, a tagged PDF). Every form works without JavaScript; htmx only
adds a running total to a budget ballot. The staff pages are in ``staff_views.py``."""

from typing import Any

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from delaktig.accounts.types import User
from delaktig.core.forms import form_errors, form_status
from delaktig.core.http import no_store
from delaktig.core.paging import capped_count, page_number, window
from delaktig.core.params import id_param
from delaktig.core.pdf import tagged_pdf
from delaktig.participation.access import visible_module
from delaktig.participation.models import ProcessModule
from delaktig.translations.access import prefetch

from . import selectors, services
from .forms import BallotForm, IdeaForm, ReceiptForm
from .models import Budget, Method, Project
from .workflow import PROJECT_STATUS_LABELS, PUBLIC_PROJECT_STATUSES, ProjectStatus

PAGE_SIZE = 20


def _module(request: HttpRequest, module_pk: int) -> ProcessModule:
    return visible_module(request, module_pk, "budget")


def _budget(request: HttpRequest, module_pk: int) -> Budget:
    budget = selectors.budget_of(_module(request, module_pk))
    if budget is None:
        raise Http404
    return budget


def _person(request: HttpRequest) -> User:
    """The person signed in (the view is ``login_required``)."""
    if not request.user.is_authenticated:
        raise PermissionDenied
    return request.user


def _base(request: HttpRequest, budget: Budget) -> dict[str, Any]:
    return {
        "budget": budget,
        "module": budget.module,
        "process": budget.module.process,
        "stage": selectors.stage(budget),
        "can_manage": selectors.can_manage(request.user, budget),
    }


# --- The budget page ------------------------------------------------------------------------


def budget_page(request: HttpRequest, module_pk: int) -> HttpResponse:
    budget = _budget(request, module_pk)
    category = id_param(request.GET, "kategori")
    area = id_param(request.GET, "kommun")
    status = request.GET.get("status", "")
    projects = selectors.filtered_projects(budget, category=category, area=area, status=status)
    # A page and one row more, and a count up to a thousand: not every idea counted.
    page = window(projects, page_number(request.GET), PAGE_SIZE)
    count, more = capped_count(projects)
    listed = selectors.attach(page.items, budget)
    categories = selectors.attach(budget.categories.all(), budget)
    prefetch([budget, budget.module, budget.module.process, *listed, *categories])
    prefetch(selectors.attach([p.category for p in listed if p.category is not None], budget))
    context = _base(request, budget) | {
        "page": page,
        "count": count,
        "more": more,
        "projects": listed,
        "categories": categories,
        "areas": list(services.eligible_municipalities(budget).order_by("name")),
        "statuses": [(s.value, PROJECT_STATUS_LABELS[s]) for s in PUBLIC_PROJECT_STATUSES],
        "chosen": {"kategori": category, "kommun": area, "status": status},
        "filtered": bool(category or area or status),
        "lots": _lots(budget),
        "can_propose": budget.module.allows("propose"),
    }
    return render(request, "budgeting/page.html", context)


def _lots(budget: Budget) -> list[Project]:
    if budget.status == "draft":
        return []
    return sorted(selectors.ballot_list(budget), key=lambda p: p.lot or 0)


# --- Ideas ------------------------------------------------------------------------------------


@login_required
def idea_create(request: HttpRequest, module_pk: int) -> HttpResponse:
    budget = _budget(request, module_pk)
    context = _base(request, budget)
    if not budget.module.allows("propose"):
        return render(request, "budgeting/idea_form.html", context | {"closed": True})
    form = IdeaForm(request.POST or None, budget=budget)
    form.ask_for_rules(user=request.user, organisation=budget.module.process.organisation)
    if request.method == "POST" and form.is_valid():
        with form_errors(form):
            project = services.project_submit(
                actor=_person(request), budget=budget, idea=form.idea(), **form.screening_flags()
            )
            messages.success(request, _idea_said(project))
            return redirect("budgeting:project", module_pk=budget.module_id, project_pk=project.pk)
    return render(
        request, "budgeting/idea_form.html", context | {"form": form}, status=form_status(form)
    )


def _idea_said(project: Project) -> str:
    project.refresh_from_db(fields=["status"])
    if project.status == ProjectStatus.HELD:
        return _(
            "Tack. Ditt förslag granskas av en moderator innan det visas för andra. Du får "
            "besked med e-post."
        )
    return _("Tack! Ditt förslag är inlämnat. Tjänstepersoner granskar det och bedömer kostnaden.")


def project_detail(request: HttpRequest, module_pk: int, project_pk: int) -> HttpResponse:
    budget = _budget(request, module_pk)
    project = selectors.project_for_page(viewer=request.user, budget=budget, pk=project_pk)
    if project is None:
        raise Http404
    prefetch([budget.module, project, *([project.category] if project.category else [])])
    shown = selectors.results(budget) if selectors.results_visible(request.user, budget) else None
    outcome = next((r for r in shown.rows if r.project.pk == project.pk), None) if shown else None
    context = _base(request, budget) | {
        "project": project,
        "outcome": outcome,
        "published": budget.status == "published",
        "own": request.user.is_authenticated and project.author_id == request.user.pk,
    }
    return render(request, "budgeting/project.html", context)


# --- Voting -----------------------------------------------------------------------------------


@no_store  # the page shows how the person voted: never kept by a (shared) browser's cache
@login_required
def vote(request: HttpRequest, module_pk: int) -> HttpResponse:
    budget = _budget(request, module_pk)
    context = _base(request, budget)
    if not services.vote_is_open(budget):
        return render(request, "budgeting/vote.html", context | {"closed": True})
    refusal = selectors.why_not_eligible(user=request.user, budget=budget)
    if refusal is not None:
        context |= {"refusal": refusal, "login_url": reverse("account_login")}
        return render(request, "budgeting/vote.html", context, status=403)
    if services.has_voted(user=_person(request), budget=budget) == "paper":
        return render(request, "budgeting/vote.html", context | {"on_paper": True}, status=409)
    mine = services.my_ballot(user=_person(request), budget=budget)
    if request.method == "GET" and "kvitto" in request.GET and mine is not None:
        url = reverse("budgeting:receipt", kwargs={"module_pk": budget.module_id})
        organisation = budget.module.process.organisation
        context |= {"ballot": mine, "receipt_url": selectors.absolute_url(url, organisation)}
        return render(request, "budgeting/voted.html", context)
    projects = selectors.ballot_list(budget)
    return _ballot(request, budget, context, projects, mine)


def _ballot(
    request: HttpRequest,
    budget: Budget,
    context: dict[str, Any],
    projects: list[Project],
    mine: Any,
) -> HttpResponse:
    initial = BallotForm.initial_for(budget, mine.choices or []) if mine is not None else {}
    data = request.POST if request.method == "POST" else None
    # htmx's running total: the ticks come by POST (never in a URL, which logs keep), and
    # nothing is cast. (A GET still works, for a link made before.)
    total_only = bool(request.headers.get("HX-Request")) and "summa" in request.GET
    if total_only and data is None:
        data = request.GET
    form = BallotForm(data, budget=budget, projects=projects, initial=initial)
    if request.method == "POST" and not total_only and form.is_valid():
        with form_errors(form, "choices" if "choices" in form.fields else None):
            receipt = services.ballot_cast(
                actor=_person(request),
                budget=budget,
                choices=form.ballot(),
                statistics_consent=form.cleaned_data["statistics_consent"],
            )
            if receipt.changed:
                messages.success(request, _("Din röst är ändrad. Kvittokoden är densamma."))
            url = reverse("budgeting:vote", kwargs={"module_pk": budget.module_id})
            return redirect(f"{url}?kvitto=1")
    rows = form.rows()
    total = sum(r["project"].cost or 0 for r in rows if r.get("checked"))
    context |= {
        "form": form,
        "rows": rows,
        "total": total,
        "over": budget.method == Method.KNAPSACK and total > budget.amount,
        "rank_max": budget.max_choices or len(rows),
        "remaining": max(budget.amount - total, 0),
        "overshoot": max(total - budget.amount, 0),
        "ballot": mine,
        "vote_ends": selectors.vote_ends(budget),
    }
    if total_only:
        return render(request, "budgeting/includes/ballot_total.html", context)
    return render(request, "budgeting/vote.html", context, status=form_status(form))


def receipt(request: HttpRequest, module_pk: int) -> HttpResponse:
    """Check a receipt code; no login. Limited per client against guessing. The form posts
    the code, so it is in no URL an access log keeps beside the address (after publication a
    receipt says how its holder voted); ``?kod=…`` still works for a link."""
    budget = _budget(request, module_pk)
    sent = request.POST if request.method == "POST" else request.GET
    form = ReceiptForm(sent if "kod" in sent else None)
    found = None
    if form.is_bound and form.is_valid():
        with form_errors(form, "kod"):
            found = selectors.receipt_lookup(
                budget=budget,
                code=form.cleaned_data["kod"],
                client=get_adapter(request).client_key(request),
            )
    context = _base(request, budget) | {"form": form, "found": found}
    return render(request, "budgeting/receipt.html", context, status=form_status(form))


# --- Results ----------------------------------------------------------------------------------


def _results_budget(request: HttpRequest, module_pk: int) -> Budget:
    budget = _budget(request, module_pk)
    if not selectors.results_visible(request.user, budget):
        raise Http404
    return budget


def results(request: HttpRequest, module_pk: int) -> HttpResponse:
    budget = _results_budget(request, module_pk)
    shown = selectors.results(budget)
    prefetch([budget, budget.module, *(r.project for r in shown.rows)])
    context = _base(request, budget) | {
        "results": shown,
        "preview": budget.status != "published",
        "min_group_size": settings.DELAKTIG_MIN_GROUP_SIZE,
        "ballot_columns": selectors.BALLOT_COLUMNS,
    }
    return render(request, "budgeting/results.html", context)


def _file(budget: Budget, content: bytes, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    if budget.status != "published":  # a staff preview: not for any cache
        response["Cache-Control"] = "private, no-store"
    else:
        response["Cache-Control"] = "public, max-age=300"
    return response


def results_csv(request: HttpRequest, module_pk: int) -> HttpResponse:
    budget = _results_budget(request, module_pk)
    name = f"medborgarbudget-{budget.module_id}-resultat.csv"
    return _file(budget, selectors.results_csv(budget=budget), name, "text/csv; charset=utf-8")


def ballots_csv(request: HttpRequest, module_pk: int) -> HttpResponse:
    budget = _results_budget(request, module_pk)
    name = f"medborgarbudget-{budget.module_id}-rostsedlar.csv"
    return _file(budget, selectors.ballots_csv(budget=budget), name, "text/csv; charset=utf-8")


def render_results_pdf(budget: Budget) -> bytes:
    """The results as a tagged PDF (PDF/UA-1), the way the poster and the report are made."""
    shown = selectors.results(budget)
    prefetch([budget, budget.module, *(r.project for r in shown.rows)])
    return tagged_pdf(
        "budgeting/results_pdf.html",
        {
            "budget": budget,
            "module": budget.module,
            "process": budget.module.process,
            "results": shown,
            "url": selectors.absolute_url(
                reverse("budgeting:results", kwargs={"module_pk": budget.module_id}),
                budget.module.process.organisation,
            ),
        },
    )


def results_pdf(request: HttpRequest, module_pk: int) -> HttpResponse:
    budget = _results_budget(request, module_pk)
    response = _file(
        budget,
        render_results_pdf(budget),
        f"medborgarbudget-{budget.module_id}-resultat.pdf",
        "application/pdf",
    )
    response["Content-Disposition"] = response["Content-Disposition"].replace(
        "attachment", "inline"
    )
    return response
