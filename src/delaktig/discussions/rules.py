"""Who may comment, report and moderate in a discussion (see docs/roles-and-permissions.md)."""

import rules

from delaktig.accounts.predicates import is_organisation_staff, is_resident, phase_allows

# A comment is written while a running phase of the discussion allows "comment".
rules.add_perm("discussions.add_comment", is_resident & phase_allows("comment"))
rules.add_perm("discussions.report_comment", is_resident)
rules.add_perm("discussions.moderate_comment", is_organisation_staff)
