"""A statement's votes in words on the results page (``share_text``), in both languages."""

from django.utils import translation

from delaktig.opinionmaps.selectors import Share
from delaktig.opinionmaps.templatetags.opinionmaps import share_text


def test_the_votes_in_words_with_the_count_in_the_right_number() -> None:
    assert share_text(Share(80, 7, 13, 95)) == "80 % håller med, 7 % inte, 13 % pass (95 röster)"
    assert share_text(Share(100, 0, 0, 1)) == "100 % håller med, 0 % inte, 0 % pass (1 röst)"
    assert share_text(Share(0, 0, 0, 0)) == "inga röster"
    with translation.override("en"):
        assert share_text(Share(80, 7, 13, 95)) == "80 % agree, 7 % disagree, 13 % pass (95 votes)"
        assert share_text(Share(0, 0, 0, 0)) == "no votes"
