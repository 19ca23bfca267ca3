"""Staff editors for strategies, goals, plans, areas, activities and indicators."""

from collections.abc import Callable
from typing import Any, cast

from django.contrib import messages
from django.db.models import Count, Model, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from delaktig.accounts.decorators import staff_required
from delaktig.accounts.roles import official_organisations, official_organisations_or_403
from delaktig.accounts.types import User
from delaktig.core.confirm import confirm_required
from delaktig.core.errors import require_perm
from delaktig.core.forms import form_errors, form_status, markdown_preview
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
from .status import ActivityStatus, CommitmentStatus
from .views import report_years

PERM = services.PERM


def _check(request: HttpRequest, obj: Model) -> None:
    require_perm(request.user, PERM, obj)


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
    if not markdown_preview(request, form) and request.method == "POST" and form.is_valid():
        with form_errors(form):
            saved = save(form.cleaned_data)
            messages.success(request, _("Sparat."))
            return redirect(success(saved))
    return render(
        request,
        "followup/staff/form.html",
        {"form": form, "title": title, "back": back, "intro": intro, "multipart": multipart},
        status=form_status(form),
    )


def _fields(form: Any, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """The form's model fields, as the services take them."""
    return {name: form.cleaned_data[name] for name in form.Meta.fields if name not in skip}


@staff_required
def strategy_list(request: HttpRequest) -> HttpResponse:
    organisations = official_organisations_or_403(request.user)
    strategies = (
        Strategy.objects.filter(organisation__in=organisations)
        .select_related("organisation")
        .annotate(plan_count=Count("plans", distinct=True))
        .order_by("-start_year", "title")
    )
    return render(request, "followup/staff/list.html", {"strategies": strategies})


@staff_required
def strategy_create(request: HttpRequest) -> HttpResponse:
    organisations = official_organisations_or_403(request.user)
    form = StrategyForm(request.POST or None, organisations=organisations)
    return _form_page(
        request,
        form=form,
        title=_("Ny strategi"),
        back=reverse("followup_staff:list"),
        save=lambda data: services.strategy_create(
            actor=cast(User, request.user), organisation=data["organisation"], **_fields(form)
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
    if not markdown_preview(request, form) and request.method == "POST" and form.is_valid():
        with form_errors(form):
            services.strategy_update(
                actor=cast(User, request.user), strategy=strategy, **_fields(form)
            )
            messages.success(request, _("Strategin är sparad."))
            return redirect("followup_staff:strategy", pk=strategy.pk)
    goals = strategy.goals.prefetch_related("gender_equality_goals", "sdg_targets")
    plans = strategy.plans.annotate(activity_count=Count("areas__activities"))
    indicators = strategy.indicators.select_related("goal").annotate(value_count=Count("values"))
    pending = strategy.commitments.filter(status=CommitmentStatus.PENDING).count()
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
        status=form_status(form),
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
        save=lambda _data: (
            services.goal_update(actor=cast(User, request.user), goal=goal, **_fields(form))
            if goal
            else services.goal_create(
                actor=cast(User, request.user), strategy=strategy, **_fields(form)
            )
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
        save=lambda _data: services.plan_create(
            actor=cast(User, request.user), strategy=strategy, **_fields(form)
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
        save=lambda _data: services.plan_update(
            actor=cast(User, request.user), plan=plan, **_fields(form)
        ),
        success=lambda saved: reverse("followup_staff:plan", args=[saved.pk]),
    )


@staff_required
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan editor: areas with their activities, add an area, import from a file."""
    plan = _plan(request, pk)
    area_form = AreaForm(request.POST or None, plan=plan, prefix="area")
    if request.method == "POST" and area_form.is_valid():
        with form_errors(area_form):
            services.area_create(actor=cast(User, request.user), plan=plan, **_fields(area_form))
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
        status=form_status(area_form) if area_form.errors else form_status(upload_form),
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
        save=lambda _data: services.area_update(
            actor=cast(User, request.user), area=area, **_fields(form)
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
        fields = _fields(form, skip=("area",))
        if activity is None:
            return services.activity_create(
                actor=cast(User, request.user), area=data["area"], **fields
            )
        return services.activity_update(
            actor=cast(User, request.user), activity=activity, area=data["area"], **fields
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
        with form_errors(form):
            services.activity_report_progress(
                actor=cast(User, request.user),
                activity=activity,
                status=data["status"],
                status_reason=data["status_reason"],
                progress=data["progress"],
                text=data["text"],
            )
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
        status=form_status(form),
    )


@staff_required
@require_POST
def plan_import_upload(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        with form_errors(form, "file"):
            plan_import = services.plan_import_read(
                actor=cast(User, request.user),
                plan=plan,
                data=upload.read(),
                filename=upload.name or "",
            )
            return redirect("followup_staff:plan_import", pk=plan_import.pk)
    return _plan_page(request, plan, area_form=AreaForm(plan=plan, prefix="area"), upload_form=form)


@staff_required
def plan_import(request: HttpRequest, pk: int) -> HttpResponse:
    """What was read from the file, and the rows that could not be: confirm to import."""
    from .imports.messages import plan_error_message

    plan_import = get_object_or_404(
        PlanImport.objects.select_related("plan__strategy__organisation"), pk=pk
    )
    plan = plan_import.plan
    _check(request, plan.strategy)
    if request.method == "POST":
        created = services.plan_import_apply(
            actor=cast(User, request.user), plan_import=plan_import
        )
        messages.success(
            request,
            _("%(count)s aktiviteter är importerade till ”%(plan)s”.")
            % {"count": created, "plan": plan.title},
        )
        return redirect("followup_staff:plan", pk=plan.pk)
    from .imports import planfile

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
        save=lambda _data: services.indicator_create(
            actor=cast(User, request.user), strategy=strategy, **_fields(form)
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
        save=lambda _data: services.indicator_update(
            actor=cast(User, request.user), indicator=indicator, **_fields(form)
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
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "value" and value_form.is_valid():
        data = value_form.cleaned_data
        with form_errors(value_form):
            services.indicator_value_set(
                actor=cast(User, request.user),
                indicator=indicator,
                year=data["year"],
                sex=data["sex"],
                municipality=data["municipality"],
                value=data["value"],
                note=data["note"],
            )
            messages.success(request, _("Värdet för %(year)s är sparat.") % {"year": data["year"]})
            return redirect("followup_staff:indicator", pk=indicator.pk)
    if action == "import" and upload_form.is_valid():
        upload = upload_form.cleaned_data["file"]
        with form_errors(upload_form, "file"):
            count = services.indicator_values_import(
                actor=cast(User, request.user),
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
        page = confirm_required(
            request,
            question=_("Vill du verkligen ta bort värdet för %(what)s?")
            % {"what": _value_label(value)},
            consequence=_("Värdet försvinner ur diagram och rapporter tills det förs in igen."),
            cancel_url=reverse("followup_staff:indicator", kwargs={"pk": indicator.pk}),
        )
        if page:
            return page
        services.indicator_value_delete(actor=cast(User, request.user), value=value)
        messages.success(request, _("Värdet är borttaget."))
        return redirect("followup_staff:indicator", pk=indicator.pk)
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
        status=form_status(value_form) if value_form.errors else form_status(upload_form),
    )


_MOVABLE: dict[str, type[services.Numbered]] = {
    "omrade": FocusArea,
    "aktivitet": Activity,
    "mal": Goal,
    "indikator": Indicator,
}
_DELETABLE: dict[str, type[services.Deletable]] = {
    **_MOVABLE,
    "plan": ActionPlan,
    "strategi": Strategy,
}


def _back_to(item: services.Deletable) -> str:
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
    item = cast(services.Numbered, get_object_or_404(model, pk=pk))
    _check(request, item)
    services.item_move(
        actor=cast(User, request.user),
        item=item,
        direction=1 if request.POST.get("direction") == "down" else -1,
    )
    return redirect(_back_to(item))


def _value_label(value: IndicatorValue) -> str:
    """The year, and the sex and the municipality where the value is for one of them."""
    parts = [str(value.year), value.get_sex_display()]
    if value.municipality is not None:
        parts.append(value.municipality.name)
    return " ".join(part for part in parts if part)


@staff_required
def item_delete(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Confirm, then delete. Without JavaScript the confirmation is its own page."""
    model = _DELETABLE.get(kind)
    if model is None:
        raise Http404
    item = cast(services.Deletable, get_object_or_404(model, pk=pk))
    _check(request, item)
    back = _back_to(item)
    if request.method == "POST":
        services.item_delete(actor=cast(User, request.user), item=item)
        messages.success(request, _("”%(name)s” är borttagen.") % {"name": str(item)})
        return redirect(back)
    return render(request, "followup/staff/delete.html", {"item": item, "back": back})
