"""The staff side of a participatory budget: where it stands, its settings, reviewing ideas,
fixing the ballot, paper voting (the register, printed ballots, two-person entry), counting,
publishing, and linking the winners to plan activities.

Every page is for staff (``staff_required``) allowed to manage the budget
(``budgeting.manage_budget``); the paper pages for those allowed to enter paper ballots
(``budgeting.enter_paper_ballots``). A module the person may not see is 404, one they may
see but not manage 403. A service's refusal is shown on its form (``form_errors``), or, for
a bare button, by the error middleware's page.
"""

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from delaktig.accounts.decorators import staff_required
from delaktig.core.confirm import confirm_required
from delaktig.core.forms import form_errors, form_status, markdown_preview
from delaktig.core.params import id_param
from delaktig.core.pdf import tagged_pdf
from delaktig.participation.access import acting_user, visible_module
from delaktig.participation.models import ProcessModule

from . import selectors, services, staff_selectors
from .models import Budget, PaperBatch, Project
from .staff_forms import (
    AssessForm,
    BatchForm,
    DecideForm,
    EntryForm,
    IdeaForm,
    PaperVoterForm,
    PrintForm,
    SettingsForm,
    WinnerCreateForm,
    WinnerLinkForm,
)
from .workflow import BUDGET_STATUS_LABELS, BudgetStatus, ProjectAction

MANAGE = services.MANAGE
PAPER = services.PAPER


def _module(request: HttpRequest, module_pk: int, perm: str = MANAGE) -> ProcessModule:
    return visible_module(request, module_pk, "budget", perm=perm)


def _budget(request: HttpRequest, module_pk: int, perm: str = MANAGE) -> Budget:
    module = _module(request, module_pk, perm)
    budget = staff_selectors.budget_of(module)
    if budget is None:
        raise Http404
    budget.module = module
    return budget


def _manage_url(module_pk: int, anchor: str = "") -> str:
    url = reverse("budgeting:manage", kwargs={"module_pk": module_pk})
    return f"{url}#{anchor}" if anchor else url


def _base(budget: Budget | None, module: ProcessModule) -> dict[str, Any]:
    return {
        "module": module,
        "process": module.process,
        "budget": budget,
        "status_label": BUDGET_STATUS_LABELS.get(BudgetStatus(budget.status)) if budget else "",
    }


# --- The budget's page ------------------------------------------------------------------


@staff_required
def manage(request: HttpRequest, module_pk: int) -> HttpResponse:
    module = _module(request, module_pk)
    budget = staff_selectors.budget_of(module)
    context = _base(budget, module)
    context["phases"] = module.phases.order_by("starts_at", "pk")
    if budget is not None:
        budget.module = module
        ideas = staff_selectors.review_list(budget)
        decisions = staff_selectors.project_decisions(ideas)
        for idea in ideas:
            idea.decision = decisions.get(idea.pk)  # type: ignore[attr-defined]
        context.update(
            overview=staff_selectors.overview(budget),
            ideas=ideas,
            ballot=staff_selectors.ballot(budget),
            unfinished=budget.paper_batches.exclude(status=PaperBatch.Status.ACCEPTED).count(),
            can_paper=request.user.has_perm(PAPER, budget),
            winners=_winners(budget),
        )
    return render(request, "budgeting/staff/manage.html", context)


def _winners(budget: Budget) -> list[Project]:
    if budget.status != BudgetStatus.PUBLISHED:
        return []
    numbers = services.winners(budget)
    projects = budget.projects.filter(number__in=numbers).select_related(
        "activity__area__plan__strategy"
    )
    return sorted(projects, key=lambda p: numbers.index(p.number or 0))


@staff_required
def settings(request: HttpRequest, module_pk: int) -> HttpResponse:
    module = _module(request, module_pk)
    budget = staff_selectors.budget_of(module)
    organisation = module.process.organisation
    form = SettingsForm(
        request.POST or None,
        organisation=organisation,
        initial=SettingsForm.initial_for(budget),
    )
    # A fixed ballot's rule cannot change: the service refuses, and the form says so.
    fixed = budget is not None and budget.status != BudgetStatus.DRAFT
    if not markdown_preview(request, form) and request.method == "POST" and form.is_valid():
        with form_errors(form):
            services.budget_configure(
                actor=acting_user(request), module=module, values=form.values()
            )
            messages.success(request, _("Inställningarna är sparade."))
            return redirect("budgeting:manage", module_pk=module.pk)
    context = _base(budget, module) | {"form": form, "fixed": fixed}
    return render(request, "budgeting/staff/settings.html", context, status=form_status(form))


# --- Ideas and their review ---------------------------------------------------------------


@staff_required
def idea_create(request: HttpRequest, module_pk: int) -> HttpResponse:
    budget = _budget(request, module_pk)
    form = IdeaForm(request.POST or None, budget=budget)
    if request.method == "POST" and form.is_valid():
        with form_errors(form):
            project = services.project_create_by_staff(
                actor=acting_user(request), budget=budget, idea=form.idea()
            )
            messages.success(request, _("Förslaget är sparat. Bedöm det här."))
            return redirect("budgeting:review", module_pk=module_pk, project_pk=project.pk)
    context = _base(budget, budget.module) | {"form": form}
    return render(request, "budgeting/staff/idea_form.html", context, status=form_status(form))


@staff_required
def review(request: HttpRequest, module_pk: int, project_pk: int) -> HttpResponse:
    budget = _budget(request, module_pk)
    project = get_object_or_404(
        Project.objects.select_related("area", "category", "author"), pk=project_pk, budget=budget
    )
    form = AssessForm(budget=budget, initial=AssessForm.initial_for(project))
    decide = DecideForm(initial={"reason": project.reason})
    action = request.POST.get("action", "")
    if request.method == "POST" and action:
        decide = DecideForm(request.POST)
        if decide.is_valid():
            with form_errors(decide):
                services.project_decide(
                    actor=acting_user(request),
                    project=project,
                    action=action,
                    reason=decide.cleaned_data["reason"],
                )
                messages.success(request, _("Beslutet är sparat."))
                return redirect(_manage_url(module_pk, f"idea-{project.pk}"))
    elif request.method == "POST":
        form = AssessForm(request.POST, budget=budget)
        if form.is_valid():
            with form_errors(form):
                services.project_assess(
                    actor=acting_user(request),
                    project=project,
                    idea=form.idea(),
                    cost=form.cleaned_data.get("cost"),
                    feasibility=form.cleaned_data.get("feasibility", ""),
                )
                messages.success(request, _("Bedömningen är sparad."))
                return redirect("budgeting:review", module_pk=module_pk, project_pk=project.pk)
    decision = staff_selectors.project_decisions([project]).get(project.pk)
    context = _base(budget, budget.module) | {
        "project": project,
        "form": form,
        "decide": decide,
        "decision": decision,
        "actions": [str(a) for a in _decisions(project)] if budget.status == "draft" else [],
        "status": form_status(form) if form.is_bound else form_status(decide),
    }
    return render(request, "budgeting/staff/review.html", context, status=context["status"])


def _decisions(project: Project) -> list[ProjectAction]:
    from .workflow import PROJECT_MACHINE

    staff = {
        ProjectAction.PUT_ON_BALLOT,
        ProjectAction.LEAVE_OFF_BALLOT,
        ProjectAction.RETURN_TO_REVIEW,
    }
    return [a for a in PROJECT_MACHINE.allowed_actions(project.status) if a in staff]


# --- The ballot, the count and the result ---------------------------------------------------


@staff_required
@require_POST
def ballot_action(request: HttpRequest, module_pk: int) -> HttpResponse:
    budget = _budget(request, module_pk)
    action = request.POST.get("action")
    if action == "fix":
        services.ballot_fix(actor=acting_user(request), budget=budget)
        messages.success(request, _("Röstsedeln är fastställd. Förslagen har fått nummer."))
    elif action == "reopen":
        page = confirm_required(
            request,
            question=_("Vill du ångra att röstsedeln är fastställd?"),
            consequence=_(
                "Förslagens nummer och lottnummer tas bort. När röstsedeln fastställs igen får "
                "förslagen nya nummer och en ny lottning."
            ),
            cancel_url=_manage_url(module_pk, "ballot"),
            confirm_label=_("Ångra fastställandet"),
        )
        if page:
            return page
        services.ballot_reopen(actor=acting_user(request), budget=budget)
        messages.success(request, _("Röstsedeln kan ändras igen."))
    else:
        raise Http404
    return redirect(_manage_url(module_pk, "ballot"))


@staff_required
@require_POST
def count(request: HttpRequest, module_pk: int) -> HttpResponse:
    budget = _budget(request, module_pk)
    page = confirm_required(
        request,
        question=_("Vill du räkna rösterna i ”%(title)s”?") % {"title": budget.module.title},
        consequence=_(
            "Nycklarna som låter de röstande ändra sin röst raderas. Efter det kan ingen röst "
            "ändras och ingen röstsedel kopplas till någon person. Du kan räkna om senare, till "
            "exempel när en sen omgång pappersröster är klar."
        ),
        cancel_url=_manage_url(module_pk, "count"),
        confirm_label=_("Räkna rösterna"),
    )
    if page:
        return page
    services.budget_count(actor=acting_user(request), budget=budget, now=timezone.now())
    messages.success(request, _("Rösterna är räknade. Granska resultatet innan det publiceras."))
    return redirect(_manage_url(module_pk, "count"))


@staff_required
@require_POST
def publish(request: HttpRequest, module_pk: int) -> HttpResponse:
    budget = _budget(request, module_pk)
    page = confirm_required(
        request,
        question=_("Vill du publicera resultatet av ”%(title)s”?") % {"title": budget.module.title},
        consequence=_(
            "Resultatet och de anonyma röstsedlarna blir öppna för alla. Röstlängdens koppling "
            "till personnummer raderas, och rösterna kan inte längre räknas om."
        ),
        cancel_url=_manage_url(module_pk, "publish"),
        confirm_label=_("Publicera resultatet"),
    )
    if page:
        return page
    services.budget_publish(actor=acting_user(request), budget=budget)
    messages.success(request, _("Resultatet är publicerat."))
    return redirect(_manage_url(module_pk, "winners"))


# --- Paper voting ---------------------------------------------------------------------------


def _paper_page(
    request: HttpRequest, budget: Budget, status: int = 200, **forms: Any
) -> HttpResponse:
    choose = id_param(request.GET, "kommun")
    context = _base(budget, budget.module) | {
        "voter_form": PaperVoterForm(budget=budget, initial={"municipality": choose}),
        "print_form": PrintForm(),
        "batch_form": BatchForm(),
        "batches": staff_selectors.batches(budget),
        "registered": request.GET.get("registrerad") == "1",
        "vote_open": services.vote_is_open(budget),
        "can_manage": request.user.has_perm(MANAGE, budget),
    }
    context.update(forms)
    return render(request, "budgeting/staff/paper.html", context, status=status)


@staff_required
def paper(request: HttpRequest, module_pk: int) -> HttpResponse:
    return _paper_page(request, _budget(request, module_pk, PAPER))


@staff_required
@require_POST
def paper_voter(request: HttpRequest, module_pk: int) -> HttpResponse:
    budget = _budget(request, module_pk, PAPER)
    form = PaperVoterForm(request.POST, budget=budget)
    if form.is_valid():
        municipality = form.cleaned_data["municipality"]
        with form_errors(form, "identity_number"):
            services.paper_voter_register(
                actor=acting_user(request),
                budget=budget,
                identity_number=form.cleaned_data["identity_number"],
                municipality=municipality,
            )
            url = reverse("budgeting:paper", kwargs={"module_pk": module_pk})
            # Nothing of the number comes back: the next person's municipality is preselected.
            return HttpResponseRedirect(f"{url}?registrerad=1&kommun={municipality.pk}#voter")
    return _paper_page(request, budget, form_status(form), voter_form=form)


@staff_required
def paper_print(request: HttpRequest, module_pk: int) -> HttpResponse:
    budget = _budget(request, module_pk, PAPER)
    if request.method != "POST":
        return redirect(reverse("budgeting:paper", kwargs={"module_pk": module_pk}) + "#print")
    form = PrintForm(request.POST)
    if form.is_valid():
        with form_errors(form, "count"):
            codes = services.paper_codes_print(
                actor=acting_user(request), budget=budget, count=form.cleaned_data["count"]
            )
            response = HttpResponse(render_ballots(budget, codes), content_type="application/pdf")
            name = f"rostsedlar-{budget.module_id}-{timezone.localdate():%Y%m%d}.pdf"
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            response["Cache-Control"] = "no-store"
            return response
    return _paper_page(request, budget, form_status(form), print_form=form)


def render_ballots(budget: Budget, codes: list[str]) -> bytes:
    """The paper ballots as a tagged PDF (PDF/UA-1), one a page, each with its receipt code
    on the ballot and on the stub the voter keeps."""
    module = budget.module
    return tagged_pdf(
        "budgeting/staff/ballot_pdf.html",
        {
            "budget": budget,
            "module": module,
            "process": module.process,
            "projects": staff_selectors.ballot(budget),
            "codes": codes,
            "receipt_url": selectors.absolute_url(
                reverse("budgeting:receipt", kwargs={"module_pk": module.pk}),
                module.process.organisation,
            ),
        },
    )


@staff_required
@require_POST
def batch_create(request: HttpRequest, module_pk: int) -> HttpResponse:
    budget = _budget(request, module_pk, PAPER)
    form = BatchForm(request.POST)
    if form.is_valid():
        with form_errors(form, "place"):
            created = services.paper_batch_create(
                actor=acting_user(request),
                budget=budget,
                place=form.cleaned_data["place"],
                voters=form.cleaned_data["voters"],
            )
            messages.success(request, _("Omgången är skapad. Nu kan du föra in röstsedlarna."))
            return redirect("budgeting:batch", module_pk=module_pk, batch_pk=created.pk)
    return _paper_page(request, budget, form_status(form), batch_form=form)


@staff_required
def batch(request: HttpRequest, module_pk: int, batch_pk: int) -> HttpResponse:
    budget = _budget(request, module_pk, PAPER)
    paper_batch = get_object_or_404(PaperBatch, pk=batch_pk, budget=budget)
    actor = acting_user(request)
    state = staff_selectors.entry_state(paper_batch, actor)
    form = EntryForm(
        request.POST if request.method == "POST" else None,
        initial={"rows": staff_selectors.entry_text(state.mine)},
    )
    if request.method == "POST" and form.is_valid():
        with form_errors(form, "rows"):
            done = services.paper_entry_submit(
                actor=actor, batch=paper_batch, text=form.cleaned_data["rows"]
            )
            said = _entry_said(done, state.mine is not None)
            if done.status == PaperBatch.Status.MISMATCH:
                messages.warning(request, said)
            else:
                messages.success(request, said)
            return redirect("budgeting:batch", module_pk=module_pk, batch_pk=paper_batch.pk)
    lines = len([line for line in (form["rows"].value() or "").splitlines() if line.strip()])
    context = _base(budget, budget.module) | {
        "batch": paper_batch,
        "state": state,
        "form": form,
        "typed_ballots": lines,
        "count_differs": state.mine is not None and lines != paper_batch.voters,
        "done": paper_batch.status == PaperBatch.Status.ACCEPTED,
    }
    return render(request, "budgeting/staff/batch.html", context, status=form_status(form))


def _entry_said(batch: PaperBatch, replaced: bool) -> str:
    if batch.status == PaperBatch.Status.ACCEPTED:
        return _("Inmatningarna stämmer överens. Röstsedlarna är räknade.")
    if batch.status == PaperBatch.Status.MISMATCH:
        return _("Inmatningarna skiljer sig. Kontrollera röstsedlarna i tabellen mot papperet.")
    if replaced:
        return _("Din inmatning är ändrad. Nu behövs en kollegas inmatning.")
    return _("Din inmatning är sparad. Nu behövs en kollegas inmatning.")


# --- What happens to the winners --------------------------------------------------------------


@staff_required
def winner(request: HttpRequest, module_pk: int, project_pk: int) -> HttpResponse:
    budget = _budget(request, module_pk)
    project = get_object_or_404(Project, pk=project_pk, budget=budget)
    if budget.status != BudgetStatus.PUBLISHED or project.number not in services.winners(budget):
        raise Http404
    organisation_id = budget.module.process.organisation_id
    link = WinnerLinkForm(organisation_id=organisation_id, initial={"activity": project.activity})
    create = WinnerCreateForm(organisation_id=organisation_id)
    if request.method == "POST" and "area" in request.POST:
        create = WinnerCreateForm(request.POST, organisation_id=organisation_id)
        if create.is_valid():
            with form_errors(create, "area"):
                services.project_create_activity(
                    actor=acting_user(request), project=project, area=create.cleaned_data["area"]
                )
                messages.success(request, _("Aktiviteten är skapad och kopplad till förslaget."))
                return redirect(_manage_url(module_pk, "winners"))
    elif request.method == "POST":
        link = WinnerLinkForm(request.POST, organisation_id=organisation_id)
        if link.is_valid():
            with form_errors(link, "activity"):
                services.project_link_activity(
                    actor=acting_user(request),
                    project=project,
                    activity=link.cleaned_data["activity"],
                )
                messages.success(request, _("Kopplingen till handlingsplanen är sparad."))
                return redirect(_manage_url(module_pk, "winners"))
    status = form_status(create) if create.is_bound else form_status(link)
    context = _base(budget, budget.module) | {"project": project, "link": link, "create": create}
    return render(request, "budgeting/staff/winner.html", context, status=status)
