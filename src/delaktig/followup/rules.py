"""Who may do what in follow-up. Officials of the owning organisation edit everything in it."""

from typing import Any

import rules

from delaktig.accounts.predicates import is_administrator, is_official, is_staff_member


@rules.predicate
def is_commitment_contact(user: Any, commitment: Any) -> bool:
    return (
        commitment is not None
        and getattr(user, "is_authenticated", False)
        and commitment.contact_user_id == user.pk
        and commitment.status == "active"
    )


@rules.predicate
def is_network_member(user: Any, network: Any) -> bool:
    if network is None or not getattr(user, "is_authenticated", False):
        return False
    return network.members.filter(user=user).exists()


# Strategies, goals, plans, areas, activities, indicators, actors and networks.
rules.add_perm("followup.change_strategy", is_administrator | is_official)
# Staff may see unpublished strategies and plans of their organisation.
rules.add_perm("followup.view_unpublished", is_administrator | is_staff_member)
# A joined actor's contact reports the actor's own activities.
rules.add_perm("followup.report_actor_activity", is_commitment_contact | is_official)
# Members see a network's internal documents and share their own.
rules.add_perm("followup.view_network_documents", is_network_member | is_staff_member)
rules.add_perm("followup.add_network_document", is_network_member | is_official)
