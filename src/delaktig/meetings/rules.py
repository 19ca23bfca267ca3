"""Who may do what with meetings (see docs/roles-and-permissions.md).

A meeting that is part of a participation process (``module`` set) takes registrations while a
running phase of its module allows "register"; a meeting outside any process (a council's, a
fullmäktige sammanträde) is open for registration whenever the meeting itself is.
"""

import rules

from delaktig.accounts.predicates import (
    is_organisation_official,
    is_resident,
    outside_process,
    phase_allows,
)

# Officials (and administrators) run their organisation's meetings: the meeting, its agenda,
# its registrations and its question time. Asked about an organisation, or none for "any".
rules.add_perm("meetings.add_meeting", is_organisation_official)
rules.add_perm("meetings.change_meeting", is_organisation_official)
rules.add_perm("meetings.handle_question", is_organisation_official)

rules.add_perm(
    "meetings.register_meeting", is_resident & (outside_process | phase_allows("register"))
)
rules.add_perm("meetings.ask_question", is_resident)
