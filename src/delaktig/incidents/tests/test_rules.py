"""The incident log's rows of the role × permission matrix (merged into tests/test_rules.py)."""

SECURITY = {"security"}

MATRIX = {
    # Anyone with a role in the organisation reports; administrators only with such a role.
    "incidents.add_incident": {"moderator", "official", "security", "elected"},
    "incidents.change_incident": SECURITY,
    "incidents.export_incident": SECURITY,
    "incidents.share_incident": SECURITY,
    "incidents.view_incidentlog": SECURITY,
}

OBJECT_RULES = {
    "incidents.view_incident": "src/delaktig/incidents/tests/test_access.py",
}
