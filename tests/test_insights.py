import pytest
from django.test import Client
from django.urls import reverse

from delaktig.insights.selectors import process_figures
from delaktig.insights.suppression import age_group, suppress
from tests.factories import (
    CommentFactory,
    MunicipalityFactory,
    ProfileFactory,
    UserFactory,
    open_discussion,
    role,
)


def test_small_groups_are_suppressed_with_a_second_cell() -> None:
    cells = suppress({"a": 12, "b": 3, "c": 7, "d": 0}, min_size=5)
    shown = {c.label: c.count for c in cells}
    # b is under 5; c, the next-smallest, is hidden too so b cannot be derived from a total.
    assert shown == {"a": 12, "b": None, "c": None, "d": 0}


def test_two_small_groups_need_no_secondary_suppression() -> None:
    shown = {c.label: c.count for c in suppress({"a": 2, "b": 4, "c": 9}, min_size=5)}
    assert shown == {"a": None, "b": None, "c": 9}


def test_nothing_suppressed_when_all_large() -> None:
    assert [c.count for c in suppress({"a": 5, "b": 6}, min_size=5)] == [5, 6]


@pytest.mark.parametrize(
    ("birth_year", "label"),
    [(2010, "0–17"), (2008, "18–29"), (1997, "18–29"), (1996, "30–44"), (1946, "80+")],
)
def test_age_groups(birth_year: int, label: str) -> None:
    assert age_group(birth_year, 2026) == label


@pytest.mark.django_db
def test_figures_count_participants_once_and_hide_small_groups(client: Client) -> None:
    module = open_discussion()
    big = MunicipalityFactory(name="Östersund")
    small = MunicipalityFactory(name="Berg")
    for _ in range(6):
        user = UserFactory()
        ProfileFactory(user=user, municipality=big, sex="kvinna")
        CommentFactory(module=module, author=user)
        CommentFactory(module=module, author=user)
    middle = MunicipalityFactory(name="Krokom")
    for municipality, count in ((small, 2), (middle, 5)):
        for _ in range(count):
            user = UserFactory()
            ProfileFactory(user=user, municipality=municipality, sex="man")
            CommentFactory(module=module, author=user)
    CommentFactory(module=module)  # no profile
    figures = process_figures(process=module.process)
    assert figures.participants == 14
    assert figures.module_figures == {"Kommentarer": 20}
    assert figures.with_profile == 13
    by_municipality = {c.label: c.count for c in figures.breakdowns[2].cells}
    # Berg (2) is too small; Krokom, the next smallest, is hidden so Berg can't be derived.
    assert by_municipality == {"Berg": None, "Krokom": None, "Östersund": 6}
    by_sex = {c.label: c.count for c in figures.breakdowns[0].cells}
    assert by_sex["Kvinna"] == 6 and by_sex["Man"] == 7
    official = role(UserFactory(), "official", module.process.organisation)
    client.force_login(official)
    html = client.get(
        reverse("insights:process_figures", args=[module.process.pk])
    ).content.decode()
    assert "färre än fem, visas inte" in html


def test_total_is_hidden_when_it_would_reveal_a_lone_small_group() -> None:
    from delaktig.insights.suppression import total_is_safe

    lone = suppress({"a": 3, "b": 0, "c": 0}, min_size=5)
    assert [c.count for c in lone] == [None, 0, 0] and not total_is_safe(lone)
    paired = suppress({"a": 3, "b": 7}, min_size=5)
    assert total_is_safe(paired)


@pytest.mark.django_db
def test_figures_hide_the_profile_total_that_would_reveal_a_group() -> None:
    module = open_discussion()
    for _ in range(3):
        user = UserFactory()
        ProfileFactory(user=user, sex="kvinna")
        CommentFactory(module=module, author=user)
    assert process_figures(process=module.process).with_profile is None
