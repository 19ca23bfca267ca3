"""Who may set up, moderate and take part in opinion maps (see docs/roles-and-permissions.md).

Staff permissions are asked about the map's process; taking part about the map itself, whose
module's running phase says whether it allows "vote" and "write" (``modules.py``).
"""

import rules

from delaktig.accounts.predicates import (
    is_organisation_official,
    is_organisation_staff,
    is_resident,
    phase_allows,
)

rules.add_perm("opinionmaps.manage_map", is_organisation_official)
rules.add_perm("opinionmaps.moderate_statement", is_organisation_staff)
rules.add_perm("opinionmaps.view_results", is_organisation_staff)
rules.add_perm("opinionmaps.add_vote", is_resident & phase_allows("vote"))
rules.add_perm("opinionmaps.add_statement", is_resident & phase_allows("write"))
