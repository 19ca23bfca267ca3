import rules

from delaktig.accounts.predicates import is_administrator, is_official

rules.add_perm("population.change_populationtable", is_administrator | is_official)
