"""Registers the discussion as a participation module."""

import io
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from delaktig.core import exports
from delaktig.participation import registry
from delaktig.participation.models import Process, ProcessModule

from .forms import CommentForm
from .models import Comment
from .selectors import thread_counts, thread_page


def render_public(request: HttpRequest, module: ProcessModule, state: dict[str, Any]) -> str:
    form = state.get("form") or CommentForm(module_pk=module.pk, prefix=f"m{module.pk}")
    user = request.user
    form.ask_for_rules(user=user, organisation=module.process.organisation)
    page_param = f"kommentarer-{module.pk}"
    counts = thread_counts(module_id=module.pk)
    page, thread = thread_page(
        module_id=module.pk,
        page_number=request.GET.get(page_param),
        top_level_count=counts.top_level,
    )
    total = counts.shown
    can_comment = module.allows("comment")
    return render_to_string(
        "discussions/module.html",
        {
            "module": module,
            "thread": thread,
            "thread_page": page,
            "page_param": page_param,
            "total_comments": total,
            "form": form,
            "can_comment": can_comment,
            # Asked only when commenting is closed now: "not now" or "closed".
            "can_comment_later": not can_comment and module.allows_later("comment"),
            "is_authenticated": user.is_authenticated,
            "announce": state.get("announce"),
        },
        request=request,
    )


def participant_ids(process: Process) -> "QuerySet[Any]":
    return Comment.objects.filter(module__process=process).values("author_id")


def figures(process: Process) -> dict[str, int]:
    return {"comments": Comment.objects.filter(module__process=process).count()}


def export_csv(module: ProcessModule) -> tuple[str, str, bytes]:
    """The public comments of a module, without personal data beyond the public name."""
    out = io.StringIO()
    writer = exports.writer(out)
    writer.writerow(["id", "svar_pa", "skapad", "namn", "text", "dold_skal"])
    for c in Comment.objects.filter(module=module).for_thread():
        writer.writerow(
            [
                c.pk,
                c.parent_id or "",
                c.created.isoformat(),
                c.author.public_name,
                "" if c.is_hidden else c.body,
                c.hidden_reason,
            ]
        )
    return f"kommentarer-{module.pk}.csv", "text/csv; charset=utf-8", out.getvalue().encode()


def demo_data(module: ProcessModule, people: Any) -> None:
    from .demo import fill_discussion

    fill_discussion(module, people)


def urls() -> Any:
    from . import urls

    return urls.urlpatterns


DISCUSSION = registry.register(
    registry.ModuleType(
        key="discussion",
        name=_("Diskussion"),
        description=_("Kommentarer med svar. Invånare kan anmäla, personal kan dölja med skäl."),
        phase_types=(
            registry.PhaseType("discussion", _("Diskussion"), frozenset({"comment"})),
            registry.PhaseType("reading", _("Läsning"), frozenset()),
        ),
        render_public=render_public,
        participant_ids=participant_ids,
        figures=figures,
        figure_labels={"comments": _("Kommentarer")},
        app_name="discussions",
        urls=urls,
        staff_links=(("discussions:moderation", _("Moderering")),),
        exports=(registry.Export("comments_csv", _("Kommentarer (CSV)"), export_csv),),
        demo_data=demo_data,
    )
)
