"""What a review of the surveys found: no figure recoverable by subtraction, no answer moved
to another choice, nothing saved after closing, no crash on odd input."""

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from delaktig.core.errors import Conflict, NotAllowedInPhase
from delaktig.core.exports import cell
from delaktig.core.models import AuditEntry
from delaktig.insights.suppression import suppress_table
from delaktig.surveys import services
from delaktig.surveys.models import Answer, Response
from tests.factories import UserFactory, role
from tests.survey_helpers import answer_directly, build_survey, translate, translated

pytestmark = pytest.mark.django_db


def recoverable(
    counts: list[list[int]], hidden: list[list[bool]], totals_hidden: list[bool]
) -> bool:
    """Whether some hidden cell is the only hidden one in its row or its column."""
    rows, cols = len(counts), len(counts[0])
    for i in range(rows):
        if totals_hidden[i]:
            continue
        if sum(hidden[i]) == 1:
            return True
    return any(sum(hidden[i][j] for i in range(rows)) == 1 for j in range(cols))


@pytest.mark.parametrize(
    "counts",
    [
        [[18, 9, 3], [0, 6, 4]],
        [[6, 0, 0], [1, 2, 0]],  # three men: the total and their answers follow otherwise
        [[10, 12, 3], [7, 8, 9], [2, 0, 0]],
        [[20, 1, 30], [15, 10, 12], [40, 22, 2]],
        [[0, 0, 0], [12, 3, 9], [8, 8, 8]],
    ],
)
def test_no_hidden_figure_can_be_worked_out_from_the_totals(counts: list[list[int]]) -> None:
    totals = [sum(row) for row in counts]
    hidden, totals_hidden = suppress_table(counts, totals, min_size=5)
    for i, row in enumerate(counts):
        for j, value in enumerate(row):
            if 0 < value < 5:
                assert hidden[i][j], (i, j)
        if 0 < totals[i] < 5:
            assert totals_hidden[i] and all(hidden[i])  # small groups go whole, zeros too
    assert sum(totals_hidden) != 1  # a lone hidden total = the grand total − the others
    assert not recoverable(counts, hidden, totals_hidden)


def test_a_group_of_five_or_more_shows_its_zeros() -> None:
    hidden, totals_hidden = suppress_table([[7, 0], [6, 5]], [7, 11], min_size=5)
    assert hidden == [[False, False], [False, False]] and totals_hidden == [False, False]


def test_a_choice_that_was_answered_cannot_end_up_under_another_label() -> None:
    built = build_survey()
    for _ in range(4):
        answer_directly(built, transport=0)  # Buss
    for _ in range(2):
        answer_directly(built, transport=1)  # Bil
    official = role(UserFactory(), "official", built.organisation)
    with pytest.raises(Conflict) as refused:
        services.question_save(
            actor=official,
            section=built.transport.section,
            question=built.transport,
            kind="single",
            text=built.transport.text,
            help_text="",
            required=True,
            choices=["Tåg", "Buss", "Bil som förare"],
        )
    assert (refused.value.code, refused.value.params) == ("surveys.choice_in_use", {"label": "Bil"})
    labels = {
        a.choice.label
        for a in Answer.objects.filter(question=built.transport).select_related("choice")
    }
    assert labels == {"Buss", "Bil"}
    # A corrected wording on the same line keeps its answers and drops its old translation.
    bike = built.transport.choices.get(label="Cykel")
    translate(bike, "en", label="Bike")
    car = built.transport.choices.get(label="Bil")
    translate(car, "en", label="Car")
    services.question_save(
        actor=official,
        section=built.transport.section,
        question=built.transport,
        kind="single",
        text=built.transport.text,
        help_text="",
        required=True,
        choices=["Buss", "Bil", "Cykel eller till fots"],
    )
    bike.refresh_from_db()
    assert (bike.label, translated(bike, "en")) == ("Cykel eller till fots", {})
    assert bike.tr("label", "en") == "Cykel eller till fots"
    assert translated(car, "en") == {"label": "Car"}  # unchanged, kept


def test_nothing_is_saved_after_the_survey_closed() -> None:
    built = build_survey()
    user = UserFactory()
    response = services.response_start(survey=built.survey, actor=user)
    built.survey.module.phases.update(ends_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(NotAllowedInPhase):
        services.response_save_answers(
            response=response,
            questions=[built.transport],
            values={built.transport.pk: built.bus.pk},
        )
    with pytest.raises(NotAllowedInPhase):
        services.response_save_background(
            response=response,
            age_group="30–44",
            sex="man",
            municipality=None,
            lives_elsewhere=False,
        )
    client = Client()
    client.force_login(user)
    page = client.post(
        reverse("surveys:answer", args=[built.survey.module_id]) + "?steg=1",
        {"action": "next", f"q{built.transport.pk}": built.bus.pk},
    )
    assert page.status_code == 409
    assert "Det går inte att svara på enkäten just nu." in page.content.decode()
    assert not response.answers.exists()


def test_a_huge_number_is_a_clear_error_not_a_broken_results_page() -> None:
    built = build_survey()
    client = Client()
    client.force_login(UserFactory())
    base = reverse("surveys:answer", args=[built.survey.module_id])
    client.post(base)
    client.post(base + "?steg=1", {"action": "next", f"q{built.transport.pk}": built.bus.pk})
    built.trips.min_value = built.trips.max_value = None
    built.trips.save()
    page = client.post(base + "?steg=2", {"action": "save", f"q{built.trips.pk}": "1" + "0" * 15})
    assert page.status_code == 400
    assert not Answer.objects.filter(question=built.trips).exists()


def test_results_skip_answers_of_a_response_sent_in_between_the_reads(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from delaktig.surveys import results

    built = build_survey()
    answer_directly(built, transport=0)
    real = results.Response.objects.filter

    def filter_then_someone_submits(*args: Any, **kwargs: Any) -> Any:
        found = real(*args, **kwargs)
        if kwargs.get("submitted_at__isnull") is False:
            list(found)  # the responses are read now …
            answer_directly(built, transport=1)  # … and another is sent in before the answers
        return found

    monkeypatch.setattr(results.Response.objects, "filter", filter_then_someone_submits)
    outcome = results.survey_results(built.survey)
    transport = next(q for q in outcome.questions if q.question.pk == built.transport.pk)
    assert sum(share.count for _c, share in transport.choices) in (1, 2)


def test_theme_actions_with_nonsense_ids_are_not_found() -> None:
    built = build_survey()
    client = Client()
    client.force_login(role(UserFactory(), "official", built.organisation))
    url = reverse("surveys:theme_action", args=[built.survey.module_id, built.free.pk])
    for data in (
        {"action": "rename", "theme": "abc", "name": "x"},
        {"action": "tag", "answer": "1;drop"},
        {"action": "merge", "theme": "", "into": "x"},
    ):
        assert client.post(url, data).status_code == 404


def test_raw_export_is_logged_and_numbers_stay_numbers() -> None:
    built = build_survey()
    response = answer_directly(built, transport=0)
    Answer.objects.create(response=response, question=built.trips, number=Decimal("-2"))
    official = role(UserFactory(), "official", built.organisation)
    client = Client()
    client.force_login(official)
    reply = client.get(reverse("surveys:export", args=[built.survey.module_id, "raw"]))
    assert reply.status_code == 200
    assert AuditEntry.objects.filter(action="survey.export_raw", actor=official).exists()
    assert ",-2.00" in reply.content.decode("utf-8-sig")
    assert cell("-2.00") == "-2.00" and cell("-SUM(A1)") == "'-SUM(A1)"


def test_a_resume_link_never_reopens_a_sent_response() -> None:
    built = build_survey(access="anonymous")
    response = Response.objects.create(survey=built.survey, submitted_at=timezone.now())
    reply = Client().get(reverse("surveys:resume", args=[response.resume_token]))
    assert reply.status_code == 404
