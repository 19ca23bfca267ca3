"""The demo's consultations on drafts: the democracy strategy's revision, whose consultation is
over, and the guidelines for citizen dialogue, out for consultation now.

The democracy strategy ("Demokratistrategi 2027–2030 – utkast på samråd") is a new process on
step 2 of the ladder (konsultation). Its consultation module's comment phase has ended and its
report phase runs: version 1 of the draft, comments from invented residents and from two invited
organisations (the pensioners' council, by its chair, and an association, by its contact; a
third organisation did not answer), agreements, themes, an answer to every comment, version 2
with the changes and the published compilation (samrådsredogörelse).

Everything goes through the services the pages use, so numbering, passage keys, screening and
e-mails are real. Comments can only be given while the comment phase runs, so the phase runs
until the comments are in and is then moved into the past, and the comments, the invitations
and the first version are given their dates in the phase ("days" in ``demo_data.toml``,
counted from the moment the demo is loaded).

The guidelines for citizen dialogue ("Riktlinjer för medborgardialog") are a consultation
module on the existing process about the principles for citizen dialogue, with the comment
phase running: a tester comments on paragraph 3.2. The testers' own account
(``invanare@demo.delaktig.se``) has commented on nothing.
"""

from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from delaktig.accounts.models import User
from delaktig.core.contributions import DemoContext, demo_content
from delaktig.councils.models import Council
from delaktig.participation import services as participation
from delaktig.participation.demo import process_from_spec
from delaktig.participation.models import Phase, Process, ProcessModule
from delaktig.participation.workflow import Action

from . import services
from .models import Agreement, Answer, Comment, Consultation, DocumentVersion, Invitation, Theme

Spec = dict[str, Any]


def _content() -> Spec:
    return demo_content(__file__)


def load(context: DemoContext) -> None:
    """Both demo consultations for the demo region; part of loading the demo region once."""
    content = _content()
    now = timezone.now()
    democracy_strategy(context, content["strategy"], now)
    guidelines(context, content["guidelines"], now)


# --- Shared steps ----------------------------------------------------------------------------


def _days(now: datetime, days: float) -> datetime:
    return now + timedelta(days=days)


def _module(official: User, process: Process, spec: Spec) -> ProcessModule:
    return participation.module_add(
        actor=official,
        process=process,
        kind="consultation",
        title=spec["module_title"],
        description=spec["module_description"],
    )


def _phases(
    official: User, module: ProcessModule, specs: Spec, now: datetime, *, comment_end: datetime
) -> dict[str, Phase]:
    """The module's phases; the comment phase ends at ``comment_end`` for now (so that the
    comments can go in) and is given its own dates by :func:`_close_comments`."""
    phases = {}
    for phase_type, spec in specs.items():
        start, end = (_days(now, d) for d in spec["days"])
        phases[phase_type] = participation.phase_create(
            actor=official,
            process=module.process,
            module=module,
            phase_type=phase_type,
            name=spec["name"],
            description=spec["description"],
            starts_at=start,
            ends_at=comment_end if phase_type == "comment" else end,
        )
    return phases


def _configure(official: User, module: ProcessModule, spec: Spec) -> Consultation:
    return services.consultation_configure(
        actor=official,
        module=module,
        values=services.ConsultationSettings(
            title=spec["title"], introduction=spec["introduction"]
        ),
    )


def _invitations(
    official: User,
    consultation: Consultation,
    specs: list[Spec],
    residents: list[User],
    deadline: datetime,
) -> dict[str, Invitation]:
    """The invited organisations by name: a council of the region by its slug (its chair and
    secretary answer), or an organisation with a contact (``contact``: a demo resident's
    address) whose deadline is the end of the comment period."""
    region = consultation.module.process.organisation
    day = max(timezone.localdate(deadline), timezone.localdate())
    invitations = {}
    for spec in specs:
        council = (
            Council.objects.get(organisation=region, slug=spec["council"])
            if "council" in spec
            else None
        )
        email = residents[spec["contact"]].email if "contact" in spec else spec.get("contact_email")
        invitation = services.invitation_add(
            actor=official,
            consultation=consultation,
            values=services.InvitationValues(
                name=spec.get("name", ""),
                deadline=day,
                contact_name=spec.get("contact_name", ""),
                contact_email=email or "",
                council=council,
            ),
        )
        invitations[invitation.name] = invitation
    # A deadline in the past cannot be set through the service (nobody invites an organisation
    # to answer yesterday): the strategy's deadline is given afterwards.
    Invitation.objects.filter(pk__in=[i.pk for i in invitations.values()]).update(
        deadline=timezone.localdate(deadline)
    )
    return invitations


def _publish(
    official: User, consultation: Consultation, spec: Spec, *, changes: str = ""
) -> DocumentVersion:
    services.version_save(
        actor=official, consultation=consultation, title="", source=spec["source"], changes=changes
    )
    version = services.version_publish(actor=official, consultation=consultation)
    consultation.refresh_from_db()
    return version


def _comments(
    consultation: Consultation,
    specs: list[Spec],
    residents: list[User],
    invitations: dict[str, Invitation],
    now: datetime,
) -> dict[str, Comment]:
    """Each comment by its resident (on behalf of an invited organisation where it says so),
    on its passage of the current version, with the residents who agree; then dated."""
    current = services.current_version(consultation)
    if current is None:
        raise ValueError("the demo consultation has no published version")
    passages = {p.number: p for p in current.paragraphs.all()}
    comments = {}
    for spec in specs:
        comment = services.comment_submit(
            actor=residents[spec["author"]],
            consultation=consultation,
            paragraph=passages[spec["passage"]] if spec["passage"] else None,
            text=spec["text"],
            invitation=invitations[spec["invitation"]] if "invitation" in spec else None,
            accept_rules=True,
        )
        if comment.status != Comment.Status.PUBLISHED:
            raise ValueError(f"screening held the demo comment {spec['key']!r}")
        for index in spec.get("agree", []):
            services.comment_agree(actor=residents[index], comment=comment, agree=True)
        created = _days(now, spec["days"])
        Comment.objects.filter(pk=comment.pk).update(created=created)
        Agreement.objects.filter(comment=comment).update(created=created + timedelta(days=2))
        comments[spec["key"]] = comment
    return comments


def _close_comments(official: User, phase: Phase, spec: Spec, now: datetime) -> None:
    """The comment phase gets its own dates (for the strategy: over)."""
    start, end = (_days(now, d) for d in spec["days"])
    participation.phase_update(
        actor=official,
        phase=phase,
        name=phase.name,
        description=phase.description,
        module=phase.module,
        phase_type=phase.phase_type,
        starts_at=start,
        ends_at=end,
    )


def _date_the_start(consultation: Consultation, version: DocumentVersion, start: datetime) -> None:
    """The first version published, and the organisations invited, as the comment phase began;
    the process published a week before."""
    DocumentVersion.objects.filter(pk=version.pk).update(published_at=start)
    consultation.invitations.update(invited_at=start)
    Process.objects.filter(pk=consultation.module.process_id).update(
        published_at=start - timedelta(days=7)
    )


# --- The democracy strategy: over, answered and compiled ------------------------------------


def democracy_strategy(context: DemoContext, spec: Spec, now: datetime) -> Consultation:
    region, official = context.region, context.official
    process = process_from_spec(actor=official, organisation=region, spec=spec["process"])
    for action in (Action.PUBLISH, Action.OPEN):
        process = participation.process_transition(actor=official, process=process, action=action)
    module = _module(official, process, spec)
    phases = _phases(official, module, spec["phases"], now, comment_end=_days(now, 1))
    consultation = _configure(official, module, spec["consultation"])
    start, end = (_days(now, d) for d in spec["phases"]["comment"]["days"])
    invitations = _invitations(official, consultation, spec["invitations"], context.residents, end)
    first = _publish(official, consultation, spec["version1"])
    comments = _comments(consultation, spec["comments"], context.residents, invitations, now)
    _close_comments(official, phases["comment"], spec["phases"]["comment"], now)
    _date_the_start(consultation, first, start)
    _answers(official, consultation, spec, comments, now)
    compilation = spec["compilation"]
    second = _publish(official, consultation, spec["version2"], changes=spec["version2"]["changes"])
    published = _days(now, compilation["version2_days"])
    DocumentVersion.objects.filter(pk=second.pk).update(
        created=published - timedelta(days=1), published_at=published
    )
    consultation = services.compilation_publish(
        actor=official, consultation=consultation, summary=compilation["summary"]
    )
    return consultation


def _answers(
    official: User,
    consultation: Consultation,
    spec: Spec,
    comments: dict[str, Comment],
    now: datetime,
) -> None:
    """The officials' themes, and an answer to every comment (by theme or by the comments it
    names), dated as the answers were written."""
    themes: dict[str, Theme] = {}
    for theme_spec in spec["themes"]:
        theme = services.theme_save(
            actor=official, consultation=consultation, name=theme_spec["name"]
        )
        services.comments_set_theme(
            actor=official,
            consultation=consultation,
            comment_ids=[comments[key].pk for key in theme_spec["comments"]],
            theme=theme,
        )
        themes[theme.name] = theme
    for answer_spec in spec["answers"]:
        answer = services.answer_save(
            actor=official,
            consultation=consultation,
            text=services.AnswerText(
                stance=answer_spec["stance"],
                reason=answer_spec["reason"],
                change=answer_spec.get("change", ""),
            ),
            comment_ids=[comments[key].pk for key in answer_spec.get("comments", [])],
            theme=themes[answer_spec["theme"]] if "theme" in answer_spec else None,
        )
        Answer.objects.filter(pk=answer.pk).update(answered_at=_days(now, answer_spec["days"]))
    if services.unanswered(consultation):
        raise ValueError("the demo answers do not answer every comment")


# --- The guidelines for citizen dialogue: out for consultation now ---------------------------


def guidelines(context: DemoContext, spec: Spec, now: datetime) -> Consultation:
    region, official = context.region, context.official
    process = Process.objects.get(organisation=region, slug=spec["process"])
    module = _module(official, process, spec)
    comment = spec["phases"]["comment"]
    start, end = (_days(now, d) for d in comment["days"])
    _phases(official, module, spec["phases"], now, comment_end=end)
    consultation = _configure(official, module, spec["consultation"])
    _invitations(official, consultation, spec["invitations"], context.residents, end)
    first = _publish(official, consultation, spec["version1"])
    _comments(consultation, spec["comments"], context.residents, {}, now)
    DocumentVersion.objects.filter(pk=first.pk).update(published_at=start)
    consultation.invitations.update(invited_at=start)
    return consultation
