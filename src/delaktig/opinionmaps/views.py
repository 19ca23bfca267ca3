"""Voting, writing statements and reading the map (public); settings, moderation, import
and recompute (staff). Every form works without JavaScript; with htmx the vote card is
swapped in place."""

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from delaktig.accounts.decorators import staff_required
from delaktig.accounts.types import User
from delaktig.core.errors import ValidationFailed
from delaktig.core.forms import form_errors, form_status
from delaktig.core.params import id_param
from delaktig.core.sites import require_own_host
from delaktig.moderation.models import Rule
from delaktig.participation.models import ProcessModule

from . import selectors, services
from .forms import ImportForm, SeedStatementForm, SettingsForm, StatementForm
from .models import OpinionMap, Participant, Statement, Vote

VOTE_VALUES = {"agree": 1, "disagree": -1, "pass": 0}
STAFF_LIST_LIMIT = 300  # decided statements listed on the staff page, newest first


def _module(request: HttpRequest, module_pk: int) -> ProcessModule:
    module = get_object_or_404(
        ProcessModule.objects.select_related("process__organisation"),
        pk=module_pk,
        kind="opinionmap",
    )
    if not request.user.has_perm("participation.view_process", module.process):
        raise Http404
    require_own_host(request, module.process.organisation)
    return module


def _map(request: HttpRequest, module_pk: int) -> OpinionMap:
    module = _module(request, module_pk)
    opinion_map = OpinionMap.objects.filter(module=module).first()
    if opinion_map is None:
        raise Http404
    opinion_map.module = module
    return opinion_map


def results_visible(request: HttpRequest, opinion_map: OpinionMap) -> bool:
    process = opinion_map.module.process
    if request.user.has_perm("opinionmaps.view_results", process):
        return True
    return opinion_map.results_public or (process.is_public and not process.is_open)


def _participant(request: HttpRequest, opinion_map: OpinionMap) -> Participant | None:
    if not request.user.is_authenticated:
        return None
    return Participant.objects.filter(map=opinion_map, user=request.user).first()


# --- Voting and writing -----------------------------------------------------------------


def _with_decisions(statements: Iterable[Statement]) -> list[Statement]:
    """The statements, each with its latest moderation decision (``decision``, or None)."""
    listed = list(statements)
    decisions = selectors.statement_decisions(statements=listed)
    for statement in listed:
        statement.decision = decisions.get(statement.pk)  # type: ignore[attr-defined]
    return listed


def _own_statements(participant: Participant | None, order: str) -> list[Statement]:
    if participant is None:
        return []
    return _with_decisions(Statement.objects.filter(author=participant).order_by(order))


def _vote_context(
    request: HttpRequest, opinion_map: OpinionMap, form: StatementForm | None = None
) -> dict[str, Any]:
    participant = _participant(request, opinion_map)
    done, total = selectors.progress(opinion_map=opinion_map, participant=participant)
    form = form or StatementForm()
    form.ask_for_rules(user=request.user, organisation=opinion_map.module.process.organisation)
    return {
        "map": opinion_map,
        "module": opinion_map.module,
        "process": opinion_map.module.process,
        "statement": selectors.next_statement(opinion_map=opinion_map, participant=participant),
        "done": done,
        "total": total,
        "can_vote": opinion_map.module.allows("vote"),
        "can_write": opinion_map.allow_statements and opinion_map.module.allows("write"),
        "form": form,
        "own_statements": _own_statements(participant, "-number"),
        "results_visible": results_visible(request, opinion_map),
        "min_votes": min(7, total),
    }


def vote_page(request: HttpRequest, module_pk: int) -> HttpResponse:
    opinion_map = _map(request, module_pk)
    if request.method == "POST":
        return _cast_vote(request, opinion_map)
    template = (
        "opinionmaps/includes/vote_card.html"
        if request.headers.get("HX-Request")
        else "opinionmaps/vote.html"
    )
    return render(request, template, _vote_context(request, opinion_map))


def _cast_vote(request: HttpRequest, opinion_map: OpinionMap) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect(f"{reverse('account_login')}?next={request.path}")
    back = request.POST.get("next") == "mine"
    target = "opinionmaps:my_votes" if back else "opinionmaps:vote"
    value = VOTE_VALUES.get(request.POST.get("vote", ""))
    statement_id = id_param(request.POST, "statement")
    statement = (
        Statement.objects.filter(map=opinion_map, pk=statement_id).first() if statement_id else None
    )
    # A refusal is a page (or, for htmx, a message) from the error middleware.
    if statement is None:
        raise ValidationFailed("opinionmaps.statement_not_in_map")
    if value is None:
        raise ValidationFailed("opinionmaps.invalid_vote")
    services.vote_cast(actor=request.user, statement=statement, value=value)
    said = dict(Vote.Value.choices)[value]
    announce = _("Din röst är sparad: %(vote)s.") % {"vote": said}
    if request.headers.get("HX-Request") and not back:
        context = _vote_context(request, opinion_map)
        context["announce"] = announce
        return render(request, "opinionmaps/includes/vote_card.html", context)
    messages.success(request, announce)
    url = reverse(target, kwargs={"module_pk": opinion_map.module_id})
    return redirect(f"{url}#s{statement.number}" if back else url)


@require_POST
def statement_create(request: HttpRequest, module_pk: int) -> HttpResponse:
    opinion_map = _map(request, module_pk)
    if not request.user.is_authenticated:
        return redirect(f"{reverse('account_login')}?next={request.path}")
    form = StatementForm(request.POST)
    if form.is_valid():
        with form_errors(form, "text"):
            statement = services.statement_create(
                actor=request.user,
                opinion_map=opinion_map,
                text=form.cleaned_data["text"],
                **form.screening_flags(),
            )
            messages.success(request, _statement_said(statement))
            return redirect("opinionmaps:vote", module_pk=opinion_map.module_id)
    context = _vote_context(request, opinion_map, form)
    return render(request, "opinionmaps/vote.html", context, status=form_status(form))


def _statement_said(statement: Statement) -> str:
    if statement.status == Statement.Status.PUBLISHED:
        return _("Tack! Ditt påstående är publicerat.")
    if selectors.statement_decisions(statements=[statement]):
        # Held by screening: the moderator's decision comes by e-mail.
        return _(
            "Tack. Ditt påstående granskas av en moderator innan det publiceras. Du får "
            "besked med e-post."
        )
    return _("Tack! Ditt påstående visas när en moderator har granskat det.")


@login_required
def my_votes(request: HttpRequest, module_pk: int) -> HttpResponse:
    opinion_map = _map(request, module_pk)
    participant = _participant(request, opinion_map)
    votes = (
        Vote.objects.filter(participant=participant, statement__status=Statement.Status.PUBLISHED)
        .select_related("statement")
        .order_by("statement__number")
        if participant is not None
        else Vote.objects.none()
    )
    return render(
        request,
        "opinionmaps/my_votes.html",
        {
            "map": opinion_map,
            "module": opinion_map.module,
            "process": opinion_map.module.process,
            "votes": votes,
            "can_vote": opinion_map.module.allows("vote"),
            "own_statements": _own_statements(participant, "number"),
        },
    )


def results(request: HttpRequest, module_pk: int) -> HttpResponse:
    opinion_map = _map(request, module_pk)
    if not results_visible(request, opinion_map):
        raise PermissionDenied
    view = selectors.map_view(opinion_map=opinion_map, viewer=request.user)
    return render(
        request,
        "opinionmaps/results.html",
        {
            "map": opinion_map,
            "module": opinion_map.module,
            "process": opinion_map.module.process,
            "view": view,
            "min_group_size": settings.DELAKTIG_MIN_GROUP_SIZE,
            "can_manage": request.user.has_perm(
                "opinionmaps.manage_map", opinion_map.module.process
            ),
        },
    )


# --- Staff ------------------------------------------------------------------------------


def _actor(request: HttpRequest) -> User:
    """The person acting on a staff page (``staff_required`` has let only staff in)."""
    if not request.user.is_authenticated:
        raise PermissionDenied
    return request.user


def _staff_module(request: HttpRequest, module_pk: int, perm: str) -> ProcessModule:
    module = _module(request, module_pk)
    if not request.user.has_perm(perm, module.process):
        raise PermissionDenied
    return module


@staff_required
def manage(request: HttpRequest, module_pk: int) -> HttpResponse:
    module = _staff_module(request, module_pk, "opinionmaps.moderate_statement")
    opinion_map = OpinionMap.objects.filter(module=module).first()
    can_manage = request.user.has_perm("opinionmaps.manage_map", module.process)
    form = SettingsForm(instance=opinion_map, prefix="settings")
    seed_form = SeedStatementForm(prefix="seed")
    status = 200
    if request.method == "POST" and can_manage:
        if "settings-topic" in request.POST:
            form = SettingsForm(request.POST, instance=opinion_map, prefix="settings")
            if form.is_valid():
                with form_errors(form):
                    services.map_configure(
                        actor=_actor(request),
                        module=module,
                        topic=form.cleaned_data["topic"],
                        moderation=form.cleaned_data["moderation"],
                        allow_statements=form.cleaned_data["allow_statements"],
                        results_public=form.cleaned_data["results_public"],
                    )
                    messages.success(request, _("Inställningarna är sparade."))
                    return redirect("opinionmaps:manage", module_pk=module.pk)
            status = form_status(form)
        elif opinion_map is not None:
            seed_form = SeedStatementForm(request.POST, prefix="seed")
            if seed_form.is_valid():
                with form_errors(seed_form, "text"):
                    services.seed_statement_create(
                        actor=_actor(request),
                        opinion_map=opinion_map,
                        text=seed_form.cleaned_data["text"],
                    )
                    messages.success(request, _("Påståendet är publicerat."))
                    return redirect("opinionmaps:manage", module_pk=module.pk)
            status = form_status(seed_form)
        else:
            status = 400  # a staff statement for a map that does not exist yet
    elif request.method == "POST":
        raise PermissionDenied
    context: dict[str, Any] = {
        "module": module,
        "process": module.process,
        "map": opinion_map,
        "form": form,
        "seed_form": seed_form,
        "import_form": ImportForm(),
        "can_manage": can_manage,
    }
    if opinion_map is not None:
        counts = {
            status: opinion_map.statements.filter(status=status).count()
            for status in Statement.Status.values
        }
        context.update(
            counts=counts,
            n_participants=opinion_map.participants.count(),
            n_votes=Vote.objects.filter(statement__map=opinion_map).count(),
            result=getattr(opinion_map, "result", None),
            is_empty=not opinion_map.participants.exists() and not opinion_map.statements.exists(),
            statements=_with_decisions(
                [
                    *opinion_map.statements.filter(status=Statement.Status.PENDING)
                    .select_related("author")
                    .order_by("number"),
                    *opinion_map.statements.exclude(status=Statement.Status.PENDING)
                    .select_related("author")
                    .order_by("-number")[:STAFF_LIST_LIMIT],
                ]
            ),
            rules=Rule.choices,
        )
    return render(request, "opinionmaps/staff/manage.html", context, status=status)


@staff_required
@require_POST
def moderate(request: HttpRequest, module_pk: int, statement_pk: int) -> HttpResponse:
    module = _staff_module(request, module_pk, "opinionmaps.moderate_statement")
    statement = get_object_or_404(Statement, pk=statement_pk, map__module=module)
    publish = request.POST.get("decision") == "publish"
    # A button on the staff page: a refusal (no rule or reason given) is the error
    # middleware's page.
    services.statement_moderate(
        actor=_actor(request),
        statement=statement,
        publish=publish,
        rule=request.POST.get("rule", ""),
        reason=request.POST.get("reason", ""),
    )
    messages.success(
        request,
        _("Påståendet är publicerat.") if publish else _("Påståendet är avvisat."),
    )
    return redirect(
        f"{reverse('opinionmaps:manage', kwargs={'module_pk': module.pk})}#statement-{statement.pk}"
    )


@staff_required
@require_POST
def import_polis(request: HttpRequest, module_pk: int) -> HttpResponse:
    module = _staff_module(request, module_pk, "opinionmaps.manage_map")
    opinion_map = get_object_or_404(OpinionMap, module=module)
    form = ImportForm(request.POST, request.FILES)
    if form.is_valid():
        uploads = form.cleaned_data["polis_files"]
        with form_errors(form, "polis_files"):
            conversation = services.polis_upload_read(
                files={f.name or "": f.read() for f in uploads}
            )
            counts = services.polis_import(
                actor=_actor(request),
                opinion_map=opinion_map,
                conversation=conversation,
                source=form.cleaned_data["source"],
                attribution=form.cleaned_data["attribution"],
            )
            messages.success(
                request,
                _(
                    "Importerat: %(statements)d påståenden, %(participants)d deltagare och "
                    "%(votes)d röster. Kartan räknas fram i bakgrunden."
                )
                % counts,
            )
            if counts["pending"]:
                messages.info(
                    request,
                    ngettext(
                        "%(pending)d påstående var inte granskat i källan. Det väntar på "
                        "granskning här innan det visas.",
                        "%(pending)d påståenden var inte granskade i källan. De väntar på "
                        "granskning här innan de visas.",
                        counts["pending"],
                    )
                    % counts,
                )
            if counts["without_text"]:
                messages.info(
                    request,
                    ngettext(
                        "%(without_text)d påstående saknade text i exporten och har avvisats: "
                        "det kan inte visas.",
                        "%(without_text)d påståenden saknade text i exporten och har avvisats: "
                        "de kan inte visas.",
                        counts["without_text"],
                    )
                    % counts,
                )
            return redirect("opinionmaps:manage", module_pk=module.pk)
    return render(
        request,
        "opinionmaps/staff/import.html",
        {"module": module, "process": module.process, "map": opinion_map, "import_form": form},
        status=form_status(form),
    )


@staff_required
@require_POST
def recompute_now(request: HttpRequest, module_pk: int) -> HttpResponse:
    module = _staff_module(request, module_pk, "opinionmaps.manage_map")
    opinion_map = get_object_or_404(OpinionMap, module=module)
    if services.recompute_request(opinion_map=opinion_map):
        messages.success(request, _("Kartan räknas om i bakgrunden."))
    else:
        messages.info(request, _("En omräkning väntar redan i kön."))
    return redirect("opinionmaps:manage", module_pk=module.pk)
