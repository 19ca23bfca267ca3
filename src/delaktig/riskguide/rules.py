"""Who may do what with risk analyses (Riskguiden). Nothing here is public.

Officials of the organisation (and administrators) write, submit, sign off, flag for
re-assessment and mark processes and meetings as contentious. Moderators and the security
function of the organisation may read. The four-eyes rule for sign-off (not the person who wrote
or changed it) depends on the analysis's history and is enforced in
``services.analysis_sign_off``.
"""

import rules

from delaktig.accounts.predicates import is_administrator, is_moderator, is_official, is_security

rules.add_perm(
    "riskguide.view_riskanalysis", is_administrator | is_official | is_moderator | is_security
)
# On an organisation, a process, a meeting or a council: may start an analysis for it.
rules.add_perm("riskguide.add_riskanalysis", is_administrator | is_official)
rules.add_perm("riskguide.change_riskanalysis", is_administrator | is_official)
rules.add_perm("riskguide.signoff_riskanalysis", is_administrator | is_official)
rules.add_perm("riskguide.change_contentiousmark", is_administrator | is_official)
