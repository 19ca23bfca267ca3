"""Who may run a participatory budget and take part in it (docs/roles-and-permissions.md).

Staff permissions are asked about the budget (its module's process gives the organisation);
taking part about the budget too, whose module's running phase says whether it allows
"propose" (the ideas phase) and "vote". Who may vote beyond that is the budget's own local
rule (folkbokförd in its area, its ages), checked by ``services.voter_verification``.
"""

import rules

from delaktig.accounts.predicates import is_organisation_official, is_resident, phase_allows

rules.add_perm("budgeting.manage_budget", is_organisation_official)
rules.add_perm("budgeting.enter_paper_ballots", is_organisation_official)
rules.add_perm("budgeting.add_project", is_resident & phase_allows("propose"))
rules.add_perm("budgeting.add_ballot", is_resident & phase_allows("vote"))
