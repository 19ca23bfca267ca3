"""Every background task, run twice, does what running it once does.

A task is run again when its worker was lost (``core/tasks.py``: RUNNING beyond the stale
limit) and after a failure with a retry policy. The tasks that send e-mail are idempotent
through the outbox key; this file runs each of them twice and counts the e-mail. The others:
``deliver_email`` (tests/test_tasks_reliability.py, tests/test_workers_killed.py),
``notify_proposal_event`` (test_tasks_reliability.py), ``send_newsletter_batch``
(newsletters/tests/test_concurrency.py), ``recompute_map`` (stores the newest result) and
``make_dumps`` (writes each organisation's files afresh) and ``reindex_all`` (brings the search
index up to date with its sources).
"""

import ast
from pathlib import Path
from typing import Any

import pytest
from django.core import mail

from delaktig.notifications.models import OutgoingEmail
from delaktig.notifications.tasks import send_templated_email
from delaktig.participation.models import Follow
from delaktig.participation.tasks import notify_feedback_published
from delaktig.proposals.tasks import remind_official
from tests.factories import (
    MunicipalityFactory,
    OrganisationFactory,
    ProcessFactory,
    UserFactory,
    proposal_rules,
    role,
)

pytestmark = pytest.mark.django_db

SRC = Path(__file__).resolve().parents[1] / "src" / "delaktig"
# Every task in the code, and where running it twice is shown to be harmless.
AUDITED = {
    "notifications/tasks.py": ["deliver_email", "send_templated_email"],
    "newsletters/tasks.py": ["send_newsletter_batch"],
    "opendata/tasks.py": ["make_dumps"],
    "proposals/tasks.py": ["notify_proposal_event", "remind_official"],
    "opinionmaps/tasks.py": ["recompute_map"],
    "participation/tasks.py": ["notify_feedback_published"],
    "search/tasks.py": ["reindex_all"],
}


def _tasks(path: Path) -> list[str]:
    """The functions in ``path`` decorated with ``@task(...)``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef)
        and any(
            isinstance(d, ast.Call) and isinstance(d.func, ast.Name) and d.func.id == "task"
            for d in node.decorator_list
        )
    ]


def test_every_task_is_in_the_audit() -> None:
    """A new task must be added above, with the proof that it may run twice."""
    found = {
        str(path.relative_to(SRC)): names
        for path in sorted(SRC.glob("*/tasks.py"))
        if (names := _tasks(path))
    }
    assert found == AUDITED


def twice(run: Any, django_capture_on_commit_callbacks: Any) -> int:
    """Run the task's function twice, as a retry would; how many e-mails were sent."""
    with django_capture_on_commit_callbacks(execute=True):
        run()
    with django_capture_on_commit_callbacks(execute=True):
        run()
    return len(mail.outbox)


def test_a_legacy_templated_email_task_run_twice_sends_once(
    django_capture_on_commit_callbacks: Any,
) -> None:
    def run() -> None:
        send_templated_email.call(
            recipient="kim@example.se",
            template="commitment_approved",
            context={"contact_name": "Kim", "actor": "Föreningen", "strategy": "Strategi"},
        )

    assert twice(run, django_capture_on_commit_callbacks) == 1
    assert OutgoingEmail.objects.count() == 1


def test_a_deadline_reminder_run_twice_reminds_once(
    django_capture_on_commit_callbacks: Any,
) -> None:
    from tests.test_proposals_services import submit

    region = OrganisationFactory()
    region.municipalities.add(MunicipalityFactory(code="2380", name="Östersund"))
    proposal_rules(region)
    role(UserFactory(email="handlaggare@region.se"), "official", region)
    proposal = submit(region)
    mail.outbox.clear()

    def run() -> None:
        remind_official.call(proposal.pk, 30)

    assert twice(run, django_capture_on_commit_callbacks) == 1
    assert mail.outbox[0].to == ["handlaggare@region.se"]


def test_feedback_news_run_twice_tells_each_follower_once(
    django_capture_on_commit_callbacks: Any,
) -> None:
    process = ProcessFactory()
    for email in ("a@example.se", "b@example.se"):
        Follow.objects.create(user=UserFactory(email=email), process=process)

    def run() -> None:
        notify_feedback_published.call(process.pk, 7)

    assert twice(run, django_capture_on_commit_callbacks) == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.se", "b@example.se"]
