"""Who may do what with councils, referrals (remisser) and council compensation.

Officials of the organisation (and administrators) run the councils: they keep the councils
and their members, send referrals and write how the answers were used, record attendance at
council meetings, approve the compensation and export it to payroll. A person who sits on one
of the councils a referral went to answers it: while a running phase of the referral's
process module allows ``answer``, or at any time for a referral outside any process.
"""

from typing import Any

import rules
from django.utils import timezone

from delaktig.accounts.predicates import (
    is_organisation_official,
    is_resident,
    outside_process,
    phase_allows,
)
from delaktig.accounts.types import Visitor


@rules.predicate
def is_referral_council_member(user: Visitor, referral: Any = None) -> bool:
    """The person sits now on one of the councils the referral went to."""
    from .models import Membership

    if referral is None or getattr(referral, "pk", None) is None or user.pk is None:
        return False
    today = timezone.localdate()
    return Membership.objects.filter(
        user_id=user.pk,
        council__in=referral.councils.all(),
        term_start__lte=today,
        term_end__gte=today,
    ).exists()


@rules.predicate
def speaks_for_council(user: Visitor, council: Any = None) -> bool:
    """The council's chair or secretary, who give the council's joint answer."""
    from .models import Membership

    if council is None or user.pk is None:
        return False
    return bool(
        council.secretary_id == user.pk
        or Membership.objects.filter(
            council=council, user_id=user.pk, role=Membership.Role.CHAIR
        ).exists()
    )


@rules.predicate
def is_council_meeting(user: Visitor, meeting: Any = None) -> bool:
    """The meeting is a council's (attendance and compensation are recorded for it)."""
    return meeting is not None and getattr(meeting, "council_id", None) is not None


# Councils and their members; the organisation's compensation model (object: the council or
# the organisation).
rules.add_perm("councils.change_council", is_organisation_official)
rules.add_perm("councils.change_compensationmodel", is_organisation_official)
# Referrals: send one (object: the organisation), record how the answers were used (object:
# the referral), answer one (object: the referral).
rules.add_perm("councils.send_referral", is_organisation_official)
rules.add_perm("councils.change_referral", is_organisation_official)
rules.add_perm(
    "councils.answer_referral",
    is_resident & is_referral_council_member & (phase_allows("answer") | outside_process),
)
# Attendance and compensation at a council meeting (object: the meeting), and the payroll
# export (object: the organisation).
rules.add_perm("councils.record_attendance", is_organisation_official & is_council_meeting)
rules.add_perm("councils.approve_attendance", is_organisation_official & is_council_meeting)
rules.add_perm("councils.export_payroll", is_organisation_official)
