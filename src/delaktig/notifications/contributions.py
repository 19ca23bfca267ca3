"""What the notifications app contributes to the platform (see `delaktig.core.contributions`).

E-mail is sent by background tasks (``tasks.send_templated_email``), which django-tasks' database
backend stores as task records: the recipient's address and the e-mail's context (names, titles)
are in the record's arguments, and the record stays after the task has finished. Finished
records are removed when the person deletes their account, and by the retention rule
``finished_tasks`` after a number of days.

The task records belong to no organisation. The retention job applies every rule once per
organisation, so ``finished_tasks`` removes, whichever organisation it is applied for, every
finished record older than that organisation's days: the shortest time any organisation sets
is the one that applies, and the later applications of the same run find nothing more.
"""

import re
from datetime import datetime, timedelta
from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_tasks_db.models import DBTaskResult

from delaktig.core.contributions import Contribution, PersonalData, Retention, contribute

FINISHED = ("SUCCESSFUL", "FAILED")
_ADDRESS = re.compile(r"[^\s<>,;:\"'()\[\]]+@[^\s<>,;:\"'()\[\]]+")


def _addresses(user: Any) -> set[str]:
    """The person's address, and any other verified address of theirs, case-folded.

    Erasure runs before the account row is blanked, so ``user.email`` is still there.
    """
    from allauth.account.models import EmailAddress

    verified = EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    return {a.strip().casefold() for a in [user.email, *verified] if a and a.strip()}


def _mentions(value: Any, addresses: set[str]) -> bool:
    """Whether an argument (nested in lists and dictionaries) holds one of the addresses."""
    if isinstance(value, str):
        return any(m.rstrip(".").casefold() in addresses for m in _ADDRESS.findall(value))
    if isinstance(value, dict):
        return any(_mentions(v, addresses) for v in value.values())
    if isinstance(value, list):
        return any(_mentions(v, addresses) for v in value)
    return False


def _records_for(user: Any, *, finished_only: bool) -> list[DBTaskResult[Any, Any]]:
    addresses = _addresses(user)
    if not addresses:
        return []
    records = DBTaskResult.objects.all()
    if finished_only:
        records = records.filter(status__in=FINISHED)
    if all(a.isascii() for a in addresses):
        # A first sieve in the database; the JSON text escapes other characters.
        records = records.filter(reduce(or_, (Q(args_kwargs__icontains=a) for a in addresses)))
    return [r for r in records.order_by("enqueued_at") if _mentions(r.args_kwargs, addresses)]


def _export(user: Any) -> list[dict[str, Any]]:
    """What was sent (or is about to be sent) to the person: which e-mail, when, how it went.

    Not the context, which may name other people."""
    rows = []
    for record in _records_for(user, finished_only=False):
        kwargs = (record.args_kwargs or {}).get("kwargs") or {}
        rows.append(
            {
                "email": kwargs.get("template") or record.task_path.rsplit(".", 1)[-1],
                "status": record.status,
                "enqueued": record.enqueued_at.isoformat(),
                "finished": record.finished_at.isoformat() if record.finished_at else None,
            }
        )
    return rows


def _erase(user: Any) -> None:
    """Finished records go; one still waiting is sent first and removed by the retention rule."""
    ids = [r.pk for r in _records_for(user, finished_only=True)]
    DBTaskResult.objects.filter(pk__in=ids).delete()


def _remove_finished(organisation: Any, days: int, now: datetime) -> int:
    """Every finished task record older than ``days``, whatever the organisation (see above)."""
    cutoff = now - timedelta(days=days)
    due = DBTaskResult.objects.filter(status__in=FINISHED).filter(
        Q(finished_at__lte=cutoff) | Q(finished_at__isnull=True, enqueued_at__lte=cutoff)
    )
    removed, _by_model = due.delete()
    return removed


contribute(
    Contribution(
        app_label="notifications",
        personal_data=(
            PersonalData(
                key="email_tasks",
                name=_("E-post som skickats till dig"),
                purpose=_(
                    "Att e-posten skickas i bakgrunden och att ett misslyckat utskick kan "
                    "upptäckas och skickas igen."
                ),
                legal_basis=_(
                    "Samma rättsliga grund som det e-posten gäller, artikel 6.1 b eller e i GDPR"
                ),
                covers=("django_tasks_database.DBTaskResult",),
                export=_export,
                erase=_erase,
                retention=Retention(
                    key="finished_tasks",
                    name=_("Uppgifter om skickad e-post (mottagare och innehåll)"),
                    starts=_(
                        "Räknas från att e-posten skickades. Gäller hela plattformen: den kortaste "
                        "tid någon organisation anger gäller för alla."
                    ),
                    default_days=30,
                    apply=_remove_finished,
                    min_days=1,
                ),
            ),
        ),
    )
)
