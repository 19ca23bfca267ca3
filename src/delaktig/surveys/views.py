"""Answering a survey (public) and building, translating and reading it (staff)."""

from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from delaktig.accounts.decorators import staff_required
from delaktig.accounts.types import User
from delaktig.core.audit import audit_log
from delaktig.core.confirm import confirm_required
from delaktig.core.errors import ValidationFailed
from delaktig.core.forms import form_errors, form_status
from delaktig.core.http import no_store
from delaktig.core.languages import content_language
from delaktig.core.params import BadParameter, id_list_param, id_param
from delaktig.core.sites import require_own_host
from delaktig.participation.models import ProcessModule
from delaktig.population.models import PopulationTable
from delaktig.translations.access import lang_attrs, prefetch
from delaktig.translations.selectors import languages_of

from . import exports, selectors, services
from .forms import (
    BackgroundForm,
    ButtonForm,
    InvitationForm,
    QuestionForm,
    SectionAnswerForm,
    SectionForm,
    SurveySettingsForm,
    ThemeNameForm,
    TranslationForm,
    WeightingForm,
    field_name,
)
from .models import Answer, Invitation, Question, Response, Section, Survey, Theme
from .results import DEFAULT_TARGET_AGES, public_results, survey_results

# --- Shared helpers -----------------------------------------------------------------------


def _module(module_pk: int) -> ProcessModule:
    return get_object_or_404(
        ProcessModule.objects.select_related("process__organisation"), pk=module_pk, kind="survey"
    )


def _survey(module_pk: int) -> Survey:
    survey = (
        Survey.objects.filter(module=_module(module_pk)).select_related("module__process").first()
    )
    if survey is None:
        raise Http404
    return survey


def _language_names() -> dict[str, str]:
    return dict(settings.CONTENT_LANGUAGES)


def offered_languages(survey: Survey) -> list[tuple[str, str]]:
    """Swedish, and every language the whole survey has a reviewed translation in."""
    names = _language_names()
    return [(c, names.get(c, c)) for c in ["sv", *selectors.translated_languages(survey)]]


def _content_language(
    request: HttpRequest, languages: list[tuple[str, str]], response: Response | None
) -> str:
    """The language the survey is answered in: the one asked for (``?sprak=``), the one the
    response was begun in, or the person's chosen content language, where the survey is
    offered in it; Swedish otherwise."""
    offered = [c for c, _n in languages]
    asked = request.GET.get("sprak") or request.POST.get("sprak")
    if asked in offered:
        return str(asked)
    if response is not None and response.language in offered:
        return response.language
    chosen = content_language()
    return chosen if chosen in offered else "sv"


def _session_key(survey: Survey) -> str:
    return f"survey-{survey.pk}"


def _invitation_key(survey: Survey) -> str:
    return f"survey-invitation-{survey.pk}"


def _invitation(request: HttpRequest, survey: Survey) -> Invitation | None:
    token = request.session.get(_invitation_key(survey))
    return Invitation.objects.filter(survey=survey, token=token).first() if token else None


def _current_response(request: HttpRequest, survey: Survey) -> Response | None:
    return selectors.current_response(
        survey=survey,
        viewer=request.user,
        invitation=_invitation(request, survey),
        token=request.session.get(_session_key(survey)),
    )


def _steps(survey: Survey, language: str) -> list[Any]:
    """The survey's pages: its sections with questions, the background questions, the review;
    their texts' translations into ``language`` loaded in one query per kind of text."""
    sections = [
        s
        for s in survey.sections.prefetch_related("questions__choices", "questions__show_if")
        if s.questions.all()
    ]
    texts: list[Any] = [survey, *sections]
    for section in sections:
        for question in section.questions.all():
            texts += [question, *question.choices.all()]
    prefetch(texts, language)
    steps: list[Any] = list(sections)
    if survey.ask_background:
        steps.append("background")
    steps.append("review")
    return steps


def _step_url(survey: Survey, step: int, language: str) -> str:
    url = reverse("surveys:answer", kwargs={"module_pk": survey.module_id}) + f"?steg={step + 1}"
    return url + (f"&sprak={language}" if language != "sv" else "")


# --- Answering ------------------------------------------------------------------------------


def answer(request: HttpRequest, module_pk: int) -> HttpResponse:
    survey = _survey(module_pk)
    process = survey.module.process
    if not request.user.has_perm("surveys.view_survey", survey):
        raise PermissionDenied
    require_own_host(request, process.organisation)
    response = _current_response(request, survey)
    languages = offered_languages(survey)
    language = _content_language(request, languages, response)
    steps = _steps(survey, language)
    context: dict[str, Any] = {
        "survey": survey,
        "process": process,
        "language": language,
        "languages": languages,
        "language_name": _language_names().get(language, language),
        "can_answer": selectors.can_answer(survey),
        "phase": selectors.answering_phase(survey),
        "steps": steps,
        "has_invitation": _invitation(request, survey) is not None,
    }
    if response is not None and response.is_submitted:
        return render(request, "surveys/answered.html", context)
    if not context["can_answer"]:
        # Closed (or not yet open): nothing can be saved, whatever was started.
        return render(request, "surveys/intro.html", context, status=409 if request.POST else 200)
    if response is None:
        if request.method == "POST":
            return _start(request, survey, language, context)
        return render(request, "surveys/intro.html", context)
    try:
        index = min(max(int(request.GET.get("steg", "1")) - 1, 0), len(steps) - 1)
    except ValueError:
        index = 0
    step = steps[index]
    context.update({"response": response, "index": index, "step": step, "number": index + 1})
    if request.method == "POST":
        return _post_step(request, survey, response, steps, index, language, context)
    if step == "background":
        form: Any = _background_form(survey, response)
    elif step == "review":
        return _review(request, survey, response, steps, context)
    else:
        form = _section_form(step, response, language)
    context["form"] = form
    return render(request, "surveys/answer.html", context)


def _start(
    request: HttpRequest, survey: Survey, language: str, context: dict[str, Any]
) -> HttpResponse:
    if survey.access == Survey.Access.ACCOUNT and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    form = ButtonForm(request.POST)
    with form_errors(form):
        response = services.response_start(
            survey=survey,
            actor=request.user,
            invitation=_invitation(request, survey),
            resume_token=request.session.get(_session_key(survey)),
            language=language,
        )
        request.session[_session_key(survey)] = response.resume_token
        return redirect(_step_url(survey, 0, language))
    context["error"] = form.refusal()
    return render(request, "surveys/intro.html", context, status=form_status(form))


def _section_form(
    section: Section, response: Response, language: str, data: Any = None
) -> SectionAnswerForm:
    questions = list(section.questions.all())
    earlier = selectors.chosen_choices(response)
    initial: dict[str, Any] = {}
    for a in response.answers.filter(question__in=questions):
        question = next(q for q in questions if q.pk == a.question_id)
        name = field_name(question)
        if question.kind == Question.Kind.MULTIPLE:
            initial.setdefault(name, []).append(str(a.choice_id))
        elif question.has_choices:
            initial[name] = str(a.choice_id)
        elif question.kind == Question.Kind.NUMBER:
            initial[name] = a.number
        else:
            initial[name] = a.text
    return SectionAnswerForm(
        data, initial=initial, questions=questions, language=language, earlier=earlier
    )


def _background_form(survey: Survey, response: Response, data: Any = None) -> BackgroundForm:
    municipalities = list(survey.module.process.organisation.municipalities.order_by("name"))
    initial = {
        "age_group": response.age_group,
        "sex": response.sex,
        "municipality": "annan"
        if response.lives_elsewhere
        else (str(response.municipality_id) if response.municipality_id else ""),
    }
    return BackgroundForm(data, initial=initial, municipalities=municipalities)


def _post_step(
    request: HttpRequest,
    survey: Survey,
    response: Response,
    steps: list[Any],
    index: int,
    language: str,
    context: dict[str, Any],
) -> HttpResponse:
    action = request.POST.get("action", "next")
    step = steps[index]
    if step == "review":
        if action == "back":
            return redirect(_step_url(survey, index - 1, language))
        return _submit(request, survey, response, steps, context)
    form: Any
    if step == "background":
        form = _background_form(survey, response, request.POST)
        valid = form.is_valid()
    else:
        form = _section_form(step, response, language, request.POST)
        valid = form.is_valid() and (action != "next" or form.check_required())
    if valid:
        with form_errors(form):
            _save_step(response, step, form)
            if response.language != language:
                Response.objects.filter(pk=response.pk).update(language=language)
            if action == "save":
                return redirect("surveys:saved", module_pk=survey.module_id)
            target = index - 1 if action == "back" else index + 1
            return redirect(_step_url(survey, max(target, 0), language))
    context["form"] = form
    return render(request, "surveys/answer.html", context, status=form_status(form))


def _save_step(response: Response, step: Any, form: Any) -> None:
    """Save the answers of one step: the background questions, or a section's."""
    if step == "background":
        services.response_save_background(
            response=response,
            age_group=form.cleaned_data["age_group"],
            sex=form.cleaned_data["sex"],
            municipality=form.municipality_object(),
            lives_elsewhere=form.cleaned_data["municipality"] == "annan",
        )
    else:
        services.response_save_answers(
            response=response,
            questions=form.questions,
            values=form.answer_values(),
            personal_data_ok=bool(form.cleaned_data.get("personal_data_ok")),
        )


def _submit(
    request: HttpRequest,
    survey: Survey,
    response: Response,
    steps: list[Any],
    context: dict[str, Any],
) -> HttpResponse:
    form = ButtonForm(request.POST)
    with form_errors(form):
        services.response_submit(response=response)
        return redirect("surveys:thanks", module_pk=survey.module_id)
    context["error"] = form.refusal()
    return _review(request, survey, response, steps, context, status=form_status(form))


def _review(
    request: HttpRequest,
    survey: Survey,
    response: Response,
    steps: list[Any],
    context: dict[str, Any],
    status: int = 200,
) -> HttpResponse:
    language = context["language"]
    # The choices as loaded with the steps, with their translations.
    choices = {
        c.pk: c
        for step in steps
        if isinstance(step, Section)
        for q in step.questions.all()
        for c in q.choices.all()
    }
    given: dict[int, list[str]] = {}
    for a in response.answers.select_related("choice"):
        if a.choice is not None:
            choice = choices.get(a.choice.pk, a.choice)
            given.setdefault(a.question_id, []).append(choice.tr("label", language))
        elif a.number is not None:
            given.setdefault(a.question_id, []).append(str(a.number).replace(".", ","))
        else:
            given.setdefault(a.question_id, []).append(a.text)
    chosen = selectors.chosen_choices(response)
    summary = []
    for number, step in enumerate(steps):
        if not isinstance(step, Section):
            continue
        rows = [(q, given.get(q.pk, [])) for q in step.questions.all() if q.is_shown(chosen)]
        summary.append((number, step, rows))
    context.update(
        {
            "summary": summary,
            "missing": selectors.missing_required(response),
            "background_step": steps.index("background") if "background" in steps else None,
        }
    )
    return render(request, "surveys/review.html", context, status=status)


def thanks(request: HttpRequest, module_pk: int) -> HttpResponse:
    survey = _survey(module_pk)
    response = _current_response(request, survey)
    if response is None or not response.is_submitted:
        return redirect(survey.get_absolute_url())
    return render(
        request,
        "surveys/thanks.html",
        {"survey": survey, "process": survey.module.process, "language": response.language},
    )


def saved(request: HttpRequest, module_pk: int) -> HttpResponse:
    survey = _survey(module_pk)
    response = _current_response(request, survey)
    if response is None:
        return redirect(survey.get_absolute_url())
    resume_url = request.build_absolute_uri(
        reverse("surveys:resume", kwargs={"token": response.resume_token})
    )
    return render(
        request,
        "surveys/saved.html",
        {
            "survey": survey,
            "process": survey.module.process,
            "resume_url": resume_url if survey.access == Survey.Access.ANONYMOUS else None,
        },
    )


def resume(request: HttpRequest, token: str) -> HttpResponse:
    """Continue saved answers from a link. Asks first, so that a link somebody else sent
    cannot swap the answers in this browser without the person knowing."""
    response = get_object_or_404(
        Response.objects.select_related("survey__module__process"),
        resume_token=token,
        submitted_at__isnull=True,
    )
    survey = response.survey
    if survey.access != Survey.Access.ANONYMOUS:
        raise Http404
    if request.method == "POST":
        request.session[_session_key(survey)] = response.resume_token
        return redirect(survey.get_absolute_url())
    current = request.session.get(_session_key(survey))
    return render(
        request,
        "surveys/resume.html",
        {
            "survey": survey,
            "process": survey.module.process,
            "token": token,
            "replaces_other": bool(current and current != token),
        },
    )


def invitation(request: HttpRequest, token: str) -> HttpResponse:
    found = get_object_or_404(Invitation.objects.select_related("survey"), token=token)
    request.session[_invitation_key(found.survey)] = found.token
    return redirect(found.survey.get_absolute_url())


def results_public(request: HttpRequest, module_pk: int) -> HttpResponse:
    survey = _survey(module_pk)
    process = survey.module.process
    phase = selectors.answering_phase(survey)
    closed = phase is not None and phase.ends_at <= timezone.now()
    if not (survey.results_public and closed and process.is_public):
        raise Http404
    require_own_host(request, process.organisation)
    return render(
        request,
        "surveys/results_public.html",
        {"survey": survey, "process": process, "body": public_results(survey)},
    )


# --- Staff: building ------------------------------------------------------------------------


def _editable(request: HttpRequest, module_pk: int) -> Survey:
    module = _module(module_pk)
    if not request.user.has_perm("surveys.change_survey", module.process):
        raise PermissionDenied
    return services.survey_for_module(module=module)


@staff_required
def builder(request: HttpRequest, module_pk: int) -> HttpResponse:
    survey = _editable(request, module_pk)
    phase = selectors.answering_phase(survey)
    initial = {"opens_at": phase.starts_at, "closes_at": phase.ends_at} if phase else {}
    form = SurveySettingsForm(request.POST or None, instance=survey, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with form_errors(form):
            services.survey_settings_save(
                actor=cast(User, request.user),
                survey=survey,
                intro=data["intro"],
                easy_read_intro=data["easy_read_intro"],
                thanks=data["thanks"],
                access=data["access"],
                ask_background=data["ask_background"],
                results_public=data["results_public"],
                opens_at=data["opens_at"],
                closes_at=data["closes_at"],
            )
            messages.success(request, _("Inställningarna är sparade."))
            return redirect("surveys:builder", module_pk=module_pk)
    return render(
        request,
        "surveys/staff/builder.html",
        _builder_context(survey, form=form, section_form=SectionForm(prefix="section")),
        status=form_status(form),
    )


def _builder_context(survey: Survey, **extra: Any) -> dict[str, Any]:
    names = _language_names()
    done = set(selectors.translated_languages(survey))
    translations = [
        (code, names.get(code, code), code in done)
        for code in languages_of(survey.module.process.organisation_id)
    ]
    return {
        "survey": survey,
        "process": survey.module.process,
        "sections": survey.sections.prefetch_related(
            "questions__choices", "questions__show_if__question"
        ),
        "phase": selectors.answering_phase(survey),
        "translations": translations,
        "responses": survey.responses.filter(submitted_at__isnull=False).count(),
        **extra,
    }


@staff_required
def section_edit(
    request: HttpRequest, module_pk: int, section_pk: int | None = None
) -> HttpResponse:
    survey = _editable(request, module_pk)
    section = get_object_or_404(survey.sections, pk=section_pk) if section_pk else None
    form = SectionForm(request.POST or None, instance=section, prefix="section")
    if request.method == "POST" and form.is_valid():
        with form_errors(form):
            services.section_save(
                actor=cast(User, request.user),
                survey=survey,
                section=section,
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
            )
            messages.success(request, _("Avsnittet är sparat."))
            return redirect("surveys:builder", module_pk=module_pk)
    if section is None and request.method == "POST":
        return render(
            request,
            "surveys/staff/builder.html",
            _builder_context(survey, form=SurveySettingsForm(instance=survey), section_form=form),
            status=form_status(form),
        )
    return render(
        request,
        "surveys/staff/section_form.html",
        {"survey": survey, "section": section, "form": form, "process": survey.module.process},
        status=form_status(form),
    )


@staff_required
def question_edit(
    request: HttpRequest, module_pk: int, section_pk: int, question_pk: int | None = None
) -> HttpResponse:
    survey = _editable(request, module_pk)
    section = get_object_or_404(survey.sections, pk=section_pk)
    question = get_object_or_404(section.questions, pk=question_pk) if question_pk else None
    form = QuestionForm(request.POST or None, instance=question, survey=survey)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with form_errors(form):
            services.question_save(
                actor=cast(User, request.user),
                section=section,
                question=question,
                kind=data["kind"],
                text=data["text"],
                help_text=data["help_text"],
                required=data["required"],
                choices=data["choices"],
                min_value=data["min_value"],
                max_value=data["max_value"],
                show_if=data["show_if"],
            )
            messages.success(request, _("Frågan är sparad."))
            return redirect(reverse("surveys:builder", args=[module_pk]) + f"#section-{section.pk}")
    return render(
        request,
        "surveys/staff/question_form.html",
        {
            "survey": survey,
            "section": section,
            "question": question,
            "form": form,
            "process": survey.module.process,
        },
        status=form_status(form),
    )


@staff_required
@require_POST
def item_action(request: HttpRequest, module_pk: int, kind: str, pk: int) -> HttpResponse:
    survey = _editable(request, module_pk)
    item: Section | Question
    if kind == "avsnitt":
        item = get_object_or_404(survey.sections, pk=pk)
    else:
        item = get_object_or_404(Question, pk=pk, section__survey=survey)
    action = request.POST.get("action")
    actor = cast(User, request.user)
    if action in ("up", "down"):
        services.item_move(actor=actor, item=item, direction=-1 if action == "up" else 1)
    elif action == "delete":
        page = confirm_required(
            request,
            question=(
                _("Vill du verkligen ta bort avsnittet ”%(name)s” och dess frågor?")
                if isinstance(item, Section)
                else _("Vill du verkligen ta bort frågan ”%(name)s”?")
            )
            % {"name": item.title if isinstance(item, Section) else item.text},
            consequence=_("Det som tas bort kan inte återställas, bara skrivas in på nytt."),
            cancel_url=reverse("surveys:builder", kwargs={"module_pk": module_pk}),
        )
        if page:
            return page
        services.item_delete(actor=actor, item=item)
        messages.success(request, _("Borttaget."))
    return redirect("surveys:builder", module_pk=module_pk)


@staff_required
def preview(request: HttpRequest, module_pk: int) -> HttpResponse:
    survey = _editable(request, module_pk)
    language = request.GET.get("sprak", "sv")
    if language not in dict(settings.CONTENT_LANGUAGES):
        language = "sv"
    steps = _steps(survey, language)
    pages = []
    for step in steps:
        if isinstance(step, Section):
            pages.append(
                (
                    step,
                    SectionAnswerForm(
                        questions=list(step.questions.all()), language=language, earlier={}
                    ),
                )
            )
    background = None
    if survey.ask_background:
        background = BackgroundForm(
            municipalities=list(survey.module.process.organisation.municipalities.order_by("name"))
        )
    return render(
        request,
        "surveys/staff/preview.html",
        {
            "survey": survey,
            "process": survey.module.process,
            "pages": pages,
            "background": background,
            "language": language,
            "languages": offered_languages(survey),
        },
    )


@staff_required
def translate(request: HttpRequest, module_pk: int, language: str) -> HttpResponse:
    """Every text of the survey in one language on one page; saving reviews them (the
    official publishes the survey). Translators also find the texts in their workbench."""
    survey = _editable(request, module_pk)
    if language not in languages_of(survey.module.process.organisation_id):
        raise Http404
    name = _language_names()[language]
    items = selectors.translatable_items(survey)
    form = TranslationForm(request.POST or None, items=items, language=language)
    if request.method == "POST" and form.is_valid():
        with form_errors(form):
            services.translations_save(
                actor=cast(User, request.user),
                survey=survey,
                language=language,
                values=form.values(),
                seen=form.seen(),
            )
            messages.success(request, _("Översättningen är sparad och granskad."))
            return redirect("surveys:builder", module_pk=module_pk)
    return render(
        request,
        "surveys/staff/translate.html",
        {
            "survey": survey,
            "process": survey.module.process,
            "form": form,
            "language": language,
            "language_name": name,
            # The name in its own language and direction, inside the Swedish heading.
            "language_label": format_html("<span{}>{}</span>", lang_attrs(language), name),
        },
        status=form_status(form),
    )


@no_store
@staff_required
def invitations(request: HttpRequest, module_pk: int) -> HttpResponse:
    survey = _editable(request, module_pk)
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with form_errors(form):
            created = services.invitations_create(
                actor=cast(User, request.user),
                survey=survey,
                count=form.cleaned_data["count"],
                label=form.cleaned_data["label"],
            )
            messages.success(
                request,
                ngettext("%(count)s länk skapades.", "%(count)s länkar skapades.", len(created))
                % {"count": len(created)},
            )
            return redirect("surveys:invitations", module_pk=module_pk)
    if request.GET.get("format") == "csv":
        return exports.invitations_csv(request, survey)
    total = survey.invitations.count()
    used = survey.invitations.filter(response__submitted_at__isnull=False).count()
    return render(
        request,
        "surveys/staff/invitations.html",
        {
            "survey": survey,
            "process": survey.module.process,
            "form": form,
            "total": total,
            "used": used,
        },
        status=form_status(form),
    )


# --- Staff: results --------------------------------------------------------------------------


def _readable(request: HttpRequest, module_pk: int) -> Survey:
    survey = _survey(module_pk)
    if not request.user.has_perm("surveys.view_results", survey.module.process):
        raise PermissionDenied
    return survey


@staff_required
def results(request: HttpRequest, module_pk: int) -> HttpResponse:
    survey = _readable(request, module_pk)
    tables = PopulationTable.objects.filter(organisation_id=survey.organisation_id)
    initial = {
        "population_table": survey.population_table_id,
        "margins": survey.weighting_margins,
        "target_age_groups": survey.target_age_groups or DEFAULT_TARGET_AGES,
        "trim_upper": survey.trim_upper,
    }
    form = WeightingForm(request.POST or None, initial=initial, tables=tables)
    if request.method == "POST":
        if not request.user.has_perm("surveys.change_survey", survey.module.process):
            raise PermissionDenied
        if form.is_valid():
            with form_errors(form):
                services.weighting_save(
                    actor=cast(User, request.user),
                    survey=survey,
                    population_table=form.cleaned_data["population_table"],
                    margins=form.cleaned_data["margins"],
                    target_age_groups=form.cleaned_data["target_age_groups"],
                    trim_upper=form.cleaned_data["trim_upper"],
                )
                messages.success(request, _("Vägningen är sparad."))
                return redirect(reverse("surveys:results", args=[module_pk]) + "#vagning")
    return render(
        request,
        "surveys/staff/results.html",
        {
            "survey": survey,
            "process": survey.module.process,
            "results": survey_results(survey),
            "form": form,
            "can_change": request.user.has_perm("surveys.change_survey", survey.module.process),
            "can_export_raw": request.user.has_perm(
                "surveys.export_raw_responses", survey.module.process
            ),
        },
        status=form_status(form),
    )


@no_store
@staff_required
def export(request: HttpRequest, module_pk: int, kind: str) -> HttpResponse:
    survey = _readable(request, module_pk)
    if kind == "raw":
        if not request.user.has_perm("surveys.export_raw_responses", survey.module.process):
            raise PermissionDenied
        filename, content_type, content = exports.raw_csv(survey.module)
        audit_log(
            actor=request.user,
            action="survey.export_raw",
            target=survey,
            organisation=survey.module.process.organisation,
        )
    elif kind == "csv":
        filename, content_type, content = exports.aggregates_csv(survey.module)
    elif kind == "xlsx":
        filename, content_type, content = exports.aggregates_xlsx(survey.module)
    else:
        raise Http404
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- Staff: themes ---------------------------------------------------------------------------


def _text_question(request: HttpRequest, module_pk: int, question_pk: int) -> Question:
    survey = _readable(request, module_pk)
    return get_object_or_404(
        Question.objects.select_related("section__survey__module__process"),
        pk=question_pk,
        section__survey=survey,
        kind=Question.Kind.TEXT,
    )


@staff_required
def themes(request: HttpRequest, module_pk: int, question_pk: int) -> HttpResponse:
    from .theme_views import theme_page

    question = _text_question(request, module_pk, question_pk)
    return theme_page(request, question)


def _posted_id(request: HttpRequest, name: str) -> int:
    """The id in a hidden input; one that cannot be read names no theme or answer: 404."""
    try:
        value = id_param(request.POST, name)
    except BadParameter:
        value = None
    if value is None:
        raise Http404
    return value


def _theme_name(request: HttpRequest) -> str:
    form = ThemeNameForm(request.POST)
    if not form.is_valid():
        raise ValidationFailed("surveys.theme_name_required", field="name")
    return str(form.cleaned_data["name"])


def _theme_do(request: HttpRequest, question: Question, action: str, theme: Theme | None) -> str:
    """Carry out one action on the question's themes; the message that says it was done."""
    actor = cast(User, request.user)
    if action == "find":
        found = services.themes_find(actor=actor, question=question)
        return ngettext("%(count)s tema hittades.", "%(count)s teman hittades.", len(found)) % {
            "count": len(found)
        }
    if action == "create":
        services.theme_create(actor=actor, question=question, name=_theme_name(request))
        return _("Temat är skapat.")
    if action == "tag":
        answer_obj = get_object_or_404(Answer, pk=_posted_id(request, "answer"), question=question)
        chosen = question.themes.filter(pk__in=id_list_param(request.POST, "themes"))
        services.answer_tag(actor=actor, answer=answer_obj, themes=chosen)
        return _("Svarets teman är sparade.")
    if theme is None:
        raise Http404
    if action == "rename":
        services.theme_rename(actor=actor, theme=theme, name=_theme_name(request))
        return _("Temat har fått nytt namn.")
    if action == "merge":
        into = get_object_or_404(question.themes, pk=_posted_id(request, "into"))
        services.theme_merge(actor=actor, theme=theme, into=into)
        return _("Temana är sammanslagna.")
    if action == "split":
        parts = services.theme_split(actor=actor, theme=theme)
        return ngettext(
            "Temat delades i %(count)s tema.", "Temat delades i %(count)s teman.", len(parts)
        ) % {"count": len(parts)}
    raise Http404


@staff_required
@require_POST
def theme_action(request: HttpRequest, module_pk: int, question_pk: int) -> HttpResponse:
    """A button on the themes page; a refusal is the error page (DelaktigErrorMiddleware)."""
    question = _text_question(request, module_pk, question_pk)
    theme = None
    if request.POST.get("theme"):
        theme = get_object_or_404(question.themes, pk=_posted_id(request, "theme"))
    messages.success(request, _theme_do(request, question, request.POST.get("action", ""), theme))
    anchor = ""
    if theme is not None and Theme.objects.filter(pk=theme.pk).exists():
        anchor = f"#theme-{theme.pk}"
    return redirect(reverse("surveys:themes", args=[module_pk, question.pk]) + anchor)
