"""Who may do what in follow-up. Officials of the owning organisation edit everything in it.

The shared predicates (roles × organisation) are in :mod:`delaktig.accounts.predicates`; the
ones about follow-up's own objects (a commitment's contact, a network's members, a document's
uploader) are here. Follow-up has no participation modules, so no phase decides anything.
"""

from typing import Any

import rules

from delaktig.accounts.predicates import (
    is_official,
    is_organisation_official,
    is_organisation_staff,
    is_resident,
)
from delaktig.accounts.types import Visitor

from .status import CommitmentStatus


@rules.predicate
def is_commitment_contact(user: Visitor, commitment: Any) -> bool:
    """The contact of an active commitment: they report the actor's activities."""
    return (
        commitment is not None
        and getattr(user, "is_authenticated", False)
        and commitment.contact_user_id == user.pk
        and commitment.status == CommitmentStatus.ACTIVE
    )


@rules.predicate
def is_network_member(user: Visitor, network: Any) -> bool:
    if network is None or not getattr(user, "is_authenticated", False):
        return False
    return bool(network.members.filter(user=user).exists())


@rules.predicate
def is_document_uploader(user: Visitor, document: Any) -> bool:
    return (
        document is not None
        and getattr(user, "pk", None) is not None
        and document.uploaded_by_id == user.pk
    )


@rules.predicate
def is_member_of_documents_network(user: Visitor, document: Any) -> bool:
    return document is not None and bool(is_network_member(user, document.network))


# Strategies, goals, plans, areas, activities, indicators, actors and networks.
rules.add_perm("followup.change_strategy", is_organisation_official)
# Staff may see unpublished strategies and plans of their organisation.
rules.add_perm("followup.view_unpublished", is_organisation_staff)
# Anyone with an active account may ask for an actor to join a strategy.
rules.add_perm("followup.request_commitment", is_resident)
# A joined actor's contact reports the actor's own activities.
rules.add_perm("followup.report_actor_activity", is_commitment_contact | is_official)
# Members see a network's internal documents and share their own.
rules.add_perm("followup.view_network_documents", is_network_member | is_organisation_staff)
rules.add_perm("followup.add_network_document", is_network_member | is_organisation_official)
# Officials delete any shared document; a member deletes one they shared themselves.
rules.add_perm(
    "followup.delete_network_document",
    is_organisation_official | (is_document_uploader & is_member_of_documents_network),
)
