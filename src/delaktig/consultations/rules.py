"""Who may run a consultation on a draft and take part in it (docs/roles-and-permissions.md).

Permissions are asked about the consultation (its module's process gives the organisation and
the running phase). Commenting and agreeing need a running phase that allows "comment". Who
may answer on behalf of an invited organisation is the invitation's own rule, checked by
``services.speaks_for``: its named contact, or for a council its chair or secretary.
"""

import rules

from delaktig.accounts.predicates import is_organisation_official, is_resident, phase_allows

rules.add_perm("consultations.manage_consultation", is_organisation_official)
rules.add_perm("consultations.answer_comment", is_organisation_official)
rules.add_perm("consultations.add_comment", is_resident & phase_allows("comment"))
rules.add_perm("consultations.add_agreement", is_resident & phase_allows("comment"))
