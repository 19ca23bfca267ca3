"""Consultations on drafts for tests: a module whose phases are placed around a given ``now``
(never today's date), a published first version, comments and invitations. Shared by the
consultations tests."""

import itertools
from datetime import datetime, timedelta
from typing import Any, cast

import time_machine
from allauth.account.models import EmailAddress
from django.utils import timezone

from delaktig.accounts.models import User
from delaktig.consultations import services
from delaktig.consultations.models import Comment, Consultation, Invitation, Paragraph
from delaktig.organisations.models import Organisation
from tests.factories import ModuleFactory, ProcessFactory, UserFactory, phases_around, role

PHASES = ("comment", "report")
PHASE_DAYS = 20
# A fixed moment: the comment phase of ``consultation_module(now=NOW)`` runs from ten days
# before it to ten days after.
NOW = timezone.make_aware(datetime(2031, 3, 12, 10, 0))
_serials = itertools.count(1)

DRAFT = """# Demokratistrategi 2027–2030

Strategin beskriver hur regionen arbetar med delaktighet.

## Inledning

Regionen vill att fler ska vara med och påverka.

Strategin gäller alla nämnder.

## Mål

Fler invånare deltar i dialoger.

Dialogerna når unga och äldre.

## Arbetssätt

Vi återkopplar alltid vad som hände med synpunkterna.

### Digitala verktyg

Plattformen används för alla dialoger.
"""


def consultation_module(
    *,
    now: datetime,
    stage: str = "comment",
    organisation: Organisation | None = None,
    source: str | None = DRAFT,
    **values: Any,
) -> Consultation:
    """An open process (ladder step 2, konsultation) with a consultation module whose ``stage``
    phase runs at ``now`` (ten days in, ten to go); the other phase comes before or after it.
    ``values`` are Consultation fields. With ``source`` (default: :data:`DRAFT`) version 1 is
    published, which opens the consultation."""
    process_kwargs: dict[str, Any] = {"ladder_step": 2}
    if organisation is not None:
        process_kwargs["organisation"] = organisation
    process = ProcessFactory(**process_kwargs)
    module = ModuleFactory(process=process, kind="consultation", title="Synpunkter på utkastet")
    phases_around(module, now=now, kinds=PHASES, stage=stage, days=PHASE_DAYS)
    values.setdefault("title", "Demokratistrategi 2027–2030")
    consultation = Consultation.objects.create(module=module, **values)
    if source is not None:
        official = official_of(consultation)
        services.version_save(actor=official, consultation=consultation, title="", source=source)
        services.version_publish(actor=official, consultation=consultation)
        consultation.refresh_from_db()
    return consultation


def official_of(consultation: Consultation) -> User:
    return role(UserFactory(), "official", consultation.module.process.organisation)


def paragraph(consultation: Consultation, number: str) -> Paragraph:
    """The paragraph numbered ``number`` in the current version."""
    current = services.current_version(consultation)
    assert current is not None
    return current.paragraphs.get(number=number)


def comment(
    consultation: Consultation,
    *,
    number: str | None = "2.1",
    text: str | None = None,
    author: User | None = None,
    invitation: Invitation | None = None,
    now: datetime = NOW,
) -> Comment:
    """A comment through the service, at ``now`` (inside the comment phase by default)."""
    author = author or cast(User, UserFactory())
    target = paragraph(consultation, number) if number is not None else None
    with time_machine.travel(now, tick=False):
        return services.comment_submit(
            actor=author,
            consultation=consultation,
            paragraph=target,
            text=text or f"Synpunkt nummer {next(_serials)} om stycket.",
            invitation=invitation,
            accept_rules=True,
        )


def contact(email: str) -> User:
    """A user whose verified e-mail address is ``email``."""
    user = UserFactory(email=email)
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def invitation(
    consultation: Consultation, name: str = "Pensionärsföreningen", **values: Any
) -> Invitation:
    """An invited organisation (saved directly: no e-mail), deadline the comment phase's end."""
    end = consultation.module.phases.filter(phase_type="comment").order_by("-ends_at").first()
    assert end is not None
    values.setdefault("deadline", timezone.localdate(end.ends_at))
    values.setdefault("contact_email", f"kontakt{next(_serials)}@example.org")
    return Invitation.objects.create(consultation=consultation, name=name, **values)


def after_comments(consultation: Consultation) -> datetime:
    end = consultation.module.phases.filter(phase_type="comment").order_by("-ends_at").first()
    assert end is not None
    return end.ends_at + timedelta(hours=1)
