from typing import Any

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.db import transaction
from django.utils import timezone

from .models import DemographicProfile, Role, User


def demographic_profile_save(
    *, user: User, birth_year: int | None, sex: str, municipality: Any
) -> DemographicProfile:
    profile, _ = DemographicProfile.objects.update_or_create(
        user=user,
        defaults={
            "birth_year": birth_year,
            "sex": sex,
            "municipality": municipality,
            "consent_given_at": timezone.now(),
        },
    )
    return profile


def demographic_profile_delete(*, user: User) -> None:
    DemographicProfile.objects.filter(user=user).delete()


def personal_data_export(*, user: User) -> dict[str, Any]:
    """Everything the platform holds about a person, as JSON-ready data (GDPR art. 15, 20)."""
    from delaktig.discussions.models import Comment, CommentReport
    from delaktig.identity.models import Verification
    from delaktig.participation.models import Follow
    from delaktig.proposals.models import Proposal, Support

    verification = Verification.objects.filter(user=user).select_related("municipality").first()

    profile = DemographicProfile.objects.filter(user=user).select_related("municipality").first()
    return {
        "account": {
            "email": user.email,
            "display_name": user.display_name,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
            "email_addresses": list(
                EmailAddress.objects.filter(user=user).values("email", "verified", "primary")
            ),
            "roles": [
                str(r) for r in Role.objects.filter(user=user).select_related("organisation")
            ],
        },
        "demographic_profile": None
        if profile is None
        else {
            "consent_given_at": profile.consent_given_at.isoformat(),
            "birth_year": profile.birth_year,
            "sex": profile.sex,
            "municipality": profile.municipality.code if profile.municipality else None,
        },
        "follows": [
            {"process": f.process.title, "since": f.created.isoformat()}
            for f in Follow.objects.filter(user=user).select_related("process")
        ],
        "comments": [
            {
                "process": c.module.process.title,
                "created": c.created.isoformat(),
                "body": c.body,
                "hidden_reason": c.hidden_reason or None,
            }
            for c in Comment.objects.filter(author=user).select_related("module__process")
        ],
        "proposals": [
            {
                "title": p.title,
                "status": p.status,
                "created": p.created.isoformat(),
                "body": p.body,
                "background": p.background,
                "published_name": p.author_name,
                "case_number": p.case_number,
            }
            for p in Proposal.objects.filter(author=user)
        ],
        "supports": [
            {
                "proposal": s.proposal.title,
                "created": s.created.isoformat(),
                "wants_updates": s.wants_updates,
            }
            for s in Support.objects.filter(user=user).select_related("proposal")
        ],
        "verification": None
        if verification is None
        else {
            "method": verification.method,
            "municipality": verification.municipality.code if verification.municipality else None,
            "verified_at": verification.verified_at.isoformat(),
        },
        "reports": [
            {"comment_id": r.comment_id, "reason": r.reason, "created": r.created.isoformat()}
            for r in CommentReport.objects.filter(reporter=user)
        ],
        **_followup_data(user),
        **_opinion_map_data(user),
    }


def _opinion_map_data(user: User) -> dict[str, Any]:
    """Votes and statements in opinion maps (the maps show them without names)."""
    from delaktig.opinionmaps.models import Statement, Vote

    return {
        "opinion_map_votes": [
            {
                "map": v.statement.map.module.title,
                "statement": v.statement.text,
                "vote": v.value,
                "updated": v.updated.isoformat(),
            }
            for v in Vote.objects.filter(participant__user=user).select_related(
                "statement__map__module"
            )
        ],
        "opinion_map_statements": [
            {
                "map": s.map.module.title,
                "text": s.text,
                "status": s.status,
                "created": s.created.isoformat(),
            }
            for s in Statement.objects.filter(author__user=user).select_related("map__module")
        ],
    }


def _followup_data(user: User) -> dict[str, Any]:
    """Strategies the person reports for as an actor's contact, and networks they belong to."""
    from delaktig.followup.models import Commitment, NetworkMember

    return {
        "commitments": [
            {
                "strategy": c.strategy.title,
                "actor": c.actor.name,
                "commitment": c.commitment,
                "contact_name": c.contact_name,
                "contact_email": c.contact_email,
                "status": c.status,
                "joined_on": c.joined_on.isoformat() if c.joined_on else None,
                "activities": [a.title for a in c.activities.all()],
            }
            for c in Commitment.objects.filter(contact_user=user)
            .select_related("strategy", "actor")
            .prefetch_related("activities")
        ],
        "network_memberships": [
            {
                "network": m.network.name,
                "actor": m.actor.name,
                "contact_name": m.contact_name,
                "contact_email": m.contact_email,
                "since": m.joined_on.isoformat(),
            }
            for m in NetworkMember.objects.filter(user=user).select_related("network", "actor")
        ],
    }


def account_delete(*, user: User) -> None:
    """Delete an account. What the person published stays as a public record, de-personalised.

    The user row is kept (comments point at it) but holds nothing personal any more.
    """
    from delaktig.identity.models import Verification
    from delaktig.participation.models import Follow

    with transaction.atomic():
        DemographicProfile.objects.filter(user=user).delete()
        Verification.objects.filter(user=user).delete()
        EmailAddress.objects.filter(user=user).delete()
        SocialAccount.objects.filter(user=user).delete()
        Follow.objects.filter(user=user).delete()
        Role.objects.filter(user=user).delete()
        # An actor's reports stay, but the account no longer speaks for the actor.
        from delaktig.followup.models import Commitment, NetworkMember

        Commitment.objects.filter(contact_user=user).update(contact_user=None)
        NetworkMember.objects.filter(user=user).update(user=None)
        # Votes and statements stay in the maps under the participant's number only.
        from delaktig.opinionmaps.models import Participant

        Participant.objects.filter(user=user).update(user=None)
        user.username = f"deleted-{user.pk}"
        user.email = ""
        user.first_name = ""
        user.last_name = ""
        user.display_name = ""
        user.is_active = False
        user.is_staff = False
        user.is_superuser = False
        user.deleted_at = timezone.now()
        user.set_unusable_password()
        user.save()
