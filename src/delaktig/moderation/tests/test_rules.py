"""The moderation app's rows in the role × permission matrix (merged by tests/test_rules.py)."""

OFFICIALS = {"official", "administrator"}
STAFF = {"moderator", "official", "administrator"}

MATRIX = {
    "moderation.moderate_item": STAFF,
    "moderation.change_conversationrules": OFFICIALS,
    "moderation.change_screeningterm": OFFICIALS,
}

OBJECT_RULES = {
    "moderation.request_review": "tests/test_moderation_notices.py",
    "moderation.review_decision": "tests/test_moderation.py",
}
