"""Who may build surveys, read their results and take out raw responses."""

import rules

from delaktig.accounts.predicates import is_administrator, is_moderator, is_official

rules.add_perm("surveys.change_survey", is_administrator | is_official)
rules.add_perm("surveys.view_results", is_administrator | is_official | is_moderator)
# Anonymised, but still one row per person: officials of the organisation only.
rules.add_perm("surveys.export_raw_responses", is_administrator | is_official)
