"""Staff editors for strategies, goals, plans, areas, activities and indicators."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from delaktig.accounts.decorators import staff_required
from delaktig.accounts.roles import official_organisations
from delaktig.core.errors import DelaktigError
from delaktig.core.params import id_param

from . import services
from .forms import (
    ActivityForm,
    AreaForm,
    GoalForm,
    IndicatorForm,
    IndicatorValueForm,
    PlanForm,
    ProgressForm,
    StrategyForm,
    UploadForm,
)
from .models import (
    ActionPlan,
    Activity,
    FocusArea,
    Goal,
    Indicator,
    IndicatorValue,
    PlanImport,
    Sex,
    Strategy,
)
from .status import ActivityStatus
from .views import report_years

PERM = services.PERM


def _check(request: HttpRequest, obj: Any) -> None:
    if not request.user.has_perm(PERM, obj):
        raise PermissionDenied


def _form_page(
    request: HttpRequest,
    *,
    form: Any,
    title: str,
    back: str,
    save: Callable[[dict[str, Any]], Any],
    success: Callable[[Any], str],
    intro: str = "",
    multipart: bool = False,
) -> HttpResponse:
    """One form on a page: save through ``save`` and go to ``success``; errors keep input."""
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(form.cleaned_data)
        except DelaktigError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Sparat."))
            return redirect(success(saved))
    return render(
        request,
        "followup/staff/form.html",
        {"form": form, "title": title, "back": back, "intro": intro, "multipart": multipart},
        status=400 if form.errors else 200,
    )


def _data(form: Any, cleaned: dict[str, Any], skip: tuple[str, ...] = ()) -> dict[str, Any]:
    return {name: cleaned[name] for name in form.Meta.fields if name not in skip}


@staff_required
def strategy_list(request: HttpRequest) -> HttpResponse:
    organisations = official_organisations(request.user)
    if not organisations.exists():
        raise PermissionDenied
    strategies = (
        Strategy.objects.filter(organisation__in=organisations)
        .select_related("organisation")
        .annotate(plan_count=Count("plans", distinct=True))
        .order_by("-start_year", "title")
    )
    return render(request, "followup/staff/list.html", {"strategies": strategies})


@staff_required
def strategy_create(request: HttpRequest) -> HttpResponse:
    organisations = official_organisations(request.user)
    if not organisations.exists():
        raise PermissionDenied
    form = StrategyForm(request.POST or None, organisations=organisations)
    return _form_page(
        request,
        form=form,
        title=_("Ny strategi"),
        back=reverse("followup_staff:list"),
        save=lambda data: services.strategy_save(
            actor=request.user,
            strategy=None,
            organisation=data["organisation"],
            data=_data(form, data),
        ),
        success=lambda strategy: reverse("followup_staff:strategy", args=[strategy.pk]),
    )


def _strategy(request: HttpRequest, pk: int) -> Strategy:
    strategy = get_object_or_404(Strategy.objects.select_related("organisation"), pk=pk)
    _check(request, strategy)
    return strategy


@staff_required
def strategy_edit(request: HttpRequest, pk: int) -> HttpResponse:
    strategy = _strategy(request, pk)
    form = StrategyForm(
        request.POST or None,
        instance=strategy,
        organisations=official_organisations(request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.strategy_save(
                actor=request.user,
                strategy=strategy,
                organisation=strategy.organisation,
                data=_data(form, form.cleaned_data),
            )
        except DelaktigError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Strategin är sparad."))
            return redirect("followup_staff:strategy", pk=strategy.pk)
    goals = strategy.goals.prefetch_related("gender_equality_goals", "sdg_targets")
    plans = strategy.plans.annotate(activity_count=Count("areas__activities"))
    indicators = strategy.indicators.select_related("goal").annotate(value_count=Count("values"))
    pending = strategy.commitments.filter(status="pending").count()
    return render(
        request,
        "followup/staff/strategy.html",
        {
            "strategy": strategy,
            "form": form,
            "goals": goals,
            "plans": plans,
            "indicators": indicators,
            "pending_commitments": pending,
            "years": report_years(strategy),
        },
        status=400 if form.errors else 200,
    )


@staff_required
def goal_edit(request: HttpRequest, pk: int | None = None, strategy_pk: int | None = None) -> Any:
    goal = get_object_or_404(Goal, pk=pk) if pk else None
    strategy = goal.strategy if goal else _strategy(request, strategy_pk or 0)
    _check(request, strategy)
    form = GoalForm(request.POST or None, instance=goal)
    return _form_page(
        request,
        form=form,
        title=_("Ändra mål") if goal else _("Nytt mål"),
        back=reverse("followup_staff:strategy", args=[strategy.pk]),
        save=lambda data: services.goal_save(
            actor=request.user, strategy=strategy, goal=goal, data=_data(form, data)
        ),
        success=lambda _saved: reverse("followup_staff:strategy", args=[strategy.pk]) + "#mal",
    )


@staff_required
def plan_create(request: HttpRequest, strategy_pk: int) -> HttpResponse:
    strategy = _strategy(request, strategy_pk)
    form = PlanForm(
        request.POST or None,
        strategy=strategy,
        initial={"start_year": strategy.start_year, "end_year": strategy.end_year},
    )
    return _form_page(
        request,
        form=form,
        title=_("Ny handlingsplan"),
        back=reverse("followup_staff:strategy", args=[strategy.pk]),
        save=lambda data: services.plan_save(
            actor=request.user, strategy=strategy, plan=None, data=_data(form, data)
        ),
        success=lambda plan: reverse("followup_staff:plan", args=[plan.pk]),
    )


def _plan(request: HttpRequest, pk: int) -> ActionPlan:
    plan = get_object_or_404(ActionPlan.objects.select_related("strategy__organisation"), pk=pk)
    _check(request, plan.strategy)
    return plan


@staff_required
def plan_settings(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    form = PlanForm(request.POST or None, instance=plan, strategy=plan.strategy)
    return _form_page(
        request,
        form=form,
        title=_("Ändra handlingsplanen"),
        back=reverse("followup_staff:plan", args=[plan.pk]),
        save=lambda data: services.plan_save(
            actor=request.user, strategy=plan.strategy, plan=plan, data=_data(form, data)
        ),
        success=lambda saved: reverse("followup_staff:plan", args=[saved.pk]),
    )


@staff_required
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan editor: areas with their activities, add an area, import from a file."""
    plan = _plan(request, pk)
    area_form = AreaForm(request.POST or None, plan=plan, prefix="area")
    if request.method == "POST" and area_form.is_valid():
        services.area_save(
            actor=request.user, plan=plan, area=None, data=_data(area_form, area_form.cleaned_data)
        )
        messages.success(request, _("Området är tillagt."))
        return redirect(reverse("followup_staff:plan", args=[plan.pk]) + "#omraden")
    return _plan_page(request, plan, area_form=area_form, upload_form=UploadForm())


def _plan_page(request: HttpRequest, plan: ActionPlan, *, area_form: Any, upload_form: Any) -> Any:
    """The plan editor, with a form that has errors shown where it stands on the page."""
    areas = plan.areas.prefetch_related(
        Prefetch("activities", queryset=Activity.objects.order_by("position", "id"))
    )
    return render(
        request,
        "followup/staff/plan.html",
        {
            "plan": plan,
            "strategy": plan.strategy,
            "areas": areas,
            "area_form": area_form,
            "upload_form": upload_form,
        },
        status=400 if area_form.errors or upload_form.errors else 200,
    )


@staff_required
def area_edit(request: HttpRequest, pk: int) -> HttpResponse:
    area = get_object_or_404(FocusArea.objects.select_related("plan__strategy"), pk=pk)
    _check(request, area)
    form = AreaForm(request.POST or None, instance=area, plan=area.plan)
    return _form_page(
        request,
        form=form,
        title=_("Ändra området"),
        back=reverse("followup_staff:plan", args=[area.plan_id]),
        save=lambda data: services.area_save(
            actor=request.user, plan=area.plan, area=area, data=_data(form, data)
        ),
        success=lambda _saved: reverse("followup_staff:plan", args=[area.plan_id]),
    )


@staff_required
def activity_edit(
    request: HttpRequest, pk: int | None = None, area_pk: int | None = None
) -> HttpResponse:
    activity = (
        get_object_or_404(Activity.objects.select_related("area__plan__strategy"), pk=pk)
        if pk
        else None
    )
    area = (
        activity.area
        if activity
        else get_object_or_404(FocusArea.objects.select_related("plan__strategy"), pk=area_pk)
    )
    _check(request, area)
    plan = area.plan
    form = ActivityForm(request.POST or None, instance=activity, plan=plan, initial={"area": area})

    def save(data: dict[str, Any]) -> Activity:
        return services.activity_save(
            actor=request.user,
            area=data["area"],
            activity=activity,
            data=_data(form, data, skip=("area",)),
        )

    return _form_page(
        request,
        form=form,
        title=_("Ändra aktiviteten") if activity else _("Ny aktivitet"),
        back=reverse("followup_staff:plan", args=[plan.pk]),
        save=save,
        success=lambda saved: (
            reverse("followup_staff:plan", args=[plan.pk]) + f"#aktivitet-{saved.pk}"
        ),
    )


@staff_required
def activity_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """Report where an activity stands: status, reason, percent and a dated note."""
    activity = get_object_or_404(Activity.objects.select_related("area__plan__strategy"), pk=pk)
    _check(request, activity)
    form = ProgressForm(
        request.POST or None,
        initial={
            "status": activity.status,
            "status_reason": activity.status_reason,
            "progress": activity.progress,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.activity_report_progress(
                actor=request.user,
                activity=activity,
                status=data["status"],
                status_reason=data["status_reason"],
                progress=data["progress"],
                text=data["text"],
            )
        except DelaktigError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("Lägesrapporten för ”%(title)s” är sparad.") % {"title": activity.title},
            )
            return redirect(
                reverse("followup_staff:plan", args=[activity.area.plan_id])
                + f"#aktivitet-{activity.pk}"
            )
    notes = activity.notes.select_related("author")
    return render(
        request,
        "followup/staff/progress.html",
        {"activity": activity, "form": form, "notes": notes, "plan": activity.area.plan},
        status=400 if form.errors else 200,
    )


@staff_required
@require_POST
def plan_import_upload(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            plan_import = services.plan_import_read(
                actor=request.user, plan=plan, data=upload.read(), filename=upload.name or ""
            )
        except DelaktigError as error:
            form.add_error("file", error.message)
        else:
            return redirect("followup_staff:plan_import", pk=plan_import.pk)
    return _plan_page(request, plan, area_form=AreaForm(plan=plan, prefix="area"), upload_form=form)


@staff_required
def plan_import(request: HttpRequest, pk: int) -> HttpResponse:
    """What was read from the file, and the rows that could not be: confirm to import."""
    from .messages import plan_error_message

    plan_import = get_object_or_404(
        PlanImport.objects.select_related("plan__strategy__organisation"), pk=pk
    )
    plan = plan_import.plan
    _check(request, plan.strategy)
    if request.method == "POST":
        try:
            created = services.plan_import_apply(actor=request.user, plan_import=plan_import)
        except DelaktigError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("%(count)s aktiviteter är importerade till ”%(plan)s”.")
                % {"count": created, "plan": plan.title},
            )
            return redirect("followup_staff:plan", pk=plan.pk)
    from . import planfile

    rows = [planfile.PlanRow.from_dict(item) for item in plan_import.rows]
    status_labels = dict(ActivityStatus.choices)
    errors = [
        {
            "row": error["row"],
            "column": error["column"],
            "message": plan_error_message(error["code"], error.get("params", {})),
        }
        for error in plan_import.errors
    ]
    return render(
        request,
        "followup/staff/plan_import.html",
        {
            "plan": plan,
            "plan_import": plan_import,
            "rows": [(row, status_labels.get(row.status, row.status)) for row in rows],
            "errors": errors,
            "error_rows": len({error["row"] for error in errors}),
        },
    )


def _indicator(request: HttpRequest, pk: int) -> Indicator:
    indicator = get_object_or_404(Indicator.objects.select_related("strategy__organisation"), pk=pk)
    _check(request, indicator)
    return indicator


@staff_required
def indicator_create(request: HttpRequest, strategy_pk: int) -> HttpResponse:
    strategy = _strategy(request, strategy_pk)
    form = IndicatorForm(request.POST or None, strategy=strategy)
    return _form_page(
        request,
        form=form,
        title=_("Ny indikator"),
        back=reverse("followup_staff:strategy", args=[strategy.pk]),
        save=lambda data: services.indicator_save(
            actor=request.user, strategy=strategy, indicator=None, data=_data(form, data)
        ),
        success=lambda indicator: reverse("followup_staff:indicator", args=[indicator.pk]),
    )


@staff_required
def indicator_settings(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = _indicator(request, pk)
    form = IndicatorForm(request.POST or None, instance=indicator, strategy=indicator.strategy)
    return _form_page(
        request,
        form=form,
        title=_("Ändra indikatorn"),
        back=reverse("followup_staff:indicator", args=[indicator.pk]),
        save=lambda data: services.indicator_save(
            actor=request.user,
            strategy=indicator.strategy,
            indicator=indicator,
            data=_data(form, data),
        ),
        success=lambda saved: reverse("followup_staff:indicator", args=[saved.pk]),
    )


@staff_required
def indicator_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """An indicator's values: add or correct one, or import a file."""
    indicator = _indicator(request, pk)
    value_form = IndicatorValueForm(
        request.POST if request.POST.get("action") == "value" else None,
        indicator=indicator,
        prefix="value",
    )
    upload_form = UploadForm(
        request.POST if request.POST.get("action") == "import" else None,
        request.FILES or None,
        prefix="import",
    )
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "value" and value_form.is_valid():
                data = value_form.cleaned_data
                services.indicator_value_set(
                    actor=request.user,
                    indicator=indicator,
                    year=data["year"],
                    sex=data["sex"],
                    municipality=data["municipality"],
                    value=data["value"],
                    note=data["note"],
                )
                messages.success(
                    request, _("Värdet för %(year)s är sparat.") % {"year": data["year"]}
                )
                return redirect("followup_staff:indicator", pk=indicator.pk)
            if action == "import" and upload_form.is_valid():
                upload = upload_form.cleaned_data["file"]
                count = services.indicator_values_import(
                    actor=request.user,
                    indicator=indicator,
                    data=upload.read(),
                    filename=upload.name or "",
                )
                messages.success(request, _("%(count)s värden är importerade.") % {"count": count})
                return redirect("followup_staff:indicator", pk=indicator.pk)
            if action == "delete":
                value = get_object_or_404(
                    IndicatorValue, pk=id_param(request.POST, "value"), indicator=indicator
                )
                services.indicator_value_delete(actor=request.user, value=value)
                messages.success(request, _("Värdet är borttaget."))
                return redirect("followup_staff:indicator", pk=indicator.pk)
        except DelaktigError as error:
            target = value_form if action == "value" else upload_form
            target.add_error(None if action == "value" else "file", error.message)
    values = indicator.values.select_related("municipality").order_by(
        "-year", "municipality__name", "sex"
    )
    return render(
        request,
        "followup/staff/indicator.html",
        {
            "indicator": indicator,
            "strategy": indicator.strategy,
            "values": values,
            "value_form": value_form,
            "upload_form": upload_form,
            "sexes": Sex,
        },
        status=400 if value_form.errors or upload_form.errors else 200,
    )


_MOVABLE: dict[str, Any] = {
    "omrade": FocusArea,
    "aktivitet": Activity,
    "mal": Goal,
    "indikator": Indicator,
}
_DELETABLE: dict[str, Any] = {**_MOVABLE, "plan": ActionPlan, "strategi": Strategy}


def _back_to(item: Any) -> str:
    if isinstance(item, FocusArea):
        return reverse("followup_staff:plan", args=[item.plan_id])
    if isinstance(item, Activity):
        return reverse("followup_staff:plan", args=[item.area.plan_id])
    if isinstance(item, Strategy):
        return reverse("followup_staff:list")
    return reverse("followup_staff:strategy", args=[item.strategy_id])


@staff_required
@require_POST
def item_move(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    model = _MOVABLE.get(kind)
    if model is None:
        raise Http404
    item = get_object_or_404(model, pk=pk)
    _check(request, item)
    services.item_move(
        actor=request.user,
        item=item,
        direction=1 if request.POST.get("direction") == "down" else -1,
    )
    return redirect(_back_to(item))


@staff_required
def item_delete(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Confirm, then delete. Without JavaScript the confirmation is its own page."""
    model = _DELETABLE.get(kind)
    if model is None:
        raise Http404
    item = get_object_or_404(model, pk=pk)
    _check(request, item)
    back = _back_to(item)
    if request.method == "POST":
        try:
            services.item_delete(actor=request.user, item=item)
        except DelaktigError as error:
            messages.error(request, error.message)
            return redirect(back)
        messages.success(request, _("”%(name)s” är borttagen.") % {"name": str(item)})
        return redirect(back if not isinstance(item, ActionPlan) else _back_to(item))
    return render(request, "followup/staff/delete.html", {"item": item, "back": back})
