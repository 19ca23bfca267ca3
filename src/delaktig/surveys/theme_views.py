"""The themes page for one free-text question: themes, quotes, breakdowns, tagging."""

from collections import Counter
from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from delaktig.insights.suppression import AGE_GROUPS, Cell, suppress
from delaktig.moderation.checks import organisation_terms
from delaktig.screening import screen
from delaktig.screening.model import Term

from .models import Answer, Question, Response, Theme

# answer id → (age group, sex, municipality name, lives elsewhere) of the one who wrote it
Background = dict[int, tuple[str, str, str | None, bool]]


def theme_page(request: HttpRequest, question: Question) -> HttpResponse:
    survey = question.section.survey
    min_size = settings.DELAKTIG_MIN_GROUP_SIZE
    answers = (
        Answer.objects.filter(question=question, response__submitted_at__isnull=False)
        .exclude(text="")
        .order_by("id")
    )
    themes = list(question.themes.prefetch_related("answers"))
    texts = dict(answers.values_list("id", "text"))
    background = _background(answers)
    terms = organisation_terms(survey.module.process.organisation_id)
    cards = [_card(theme, texts, background, min_size, terms) for theme in themes]
    tagged: dict[int, set[int]] = {}
    for theme in themes:
        for a in theme.answers.all():
            tagged.setdefault(a.pk, set()).add(theme.pk)
    page = Paginator(answers, 50).get_page(request.GET.get("sida"))
    return render(
        request,
        "surveys/staff/themes.html",
        {
            "survey": survey,
            "process": survey.module.process,
            "question": question,
            "cards": cards,
            "themes": themes,
            "page": page,
            "rows": [(a, tagged.get(a.pk, set())) for a in page.object_list],
            "total": len(texts),
            "untagged": sum(1 for i in texts if i not in tagged),
            "can_change": request.user.has_perm("surveys.change_survey", survey.module.process),
        },
    )


def _background(answers: "QuerySet[Answer]") -> Background:
    return {
        a_id: (age, sex, place, elsewhere)
        for a_id, age, sex, place, elsewhere in answers.values_list(
            "id",
            "response__age_group",
            "response__sex",
            "response__municipality__name",
            "response__lives_elsewhere",
        )
    }


def _quotes(
    theme: Theme, members: list[int], texts: dict[int, str], terms: list[Term]
) -> list[str]:
    """The most typical answers first, each wording once, at most three. Quotes are copied
    into reports: an answer in which screening finds a threat, hate or harassment is never
    one (it is still counted, and listed with the answers below)."""
    member_set = set(members)
    quotes: list[int] = []
    seen: set[str] = set()
    for i in [*theme.representatives, *members]:
        text = texts.get(i, "").strip().lower()
        if len(quotes) == 3:
            break
        if i not in member_set or not text or text in seen:
            continue
        seen.add(text)
        if not screen(texts[i], terms=terms).harmful:
            quotes.append(i)
    return [texts[i] for i in quotes if i in texts]


def _breakdowns(
    members: list[int], background: Background, min_size: int
) -> list[tuple[str, list[Cell]]]:
    """The theme's writers by sex, age group and municipality, small counts hidden."""
    sex_labels = dict(Response.Sex.choices)
    by_sex = Counter(background[i][1] or "" for i in members if i in background)
    by_age = Counter(background[i][0] or "" for i in members if i in background)
    by_place = Counter(
        background[i][2] or (_("Annan kommun") if background[i][3] else _("Inget svar"))
        for i in members
        if i in background
    )
    return [
        (
            _("Kön"),
            suppress(
                {
                    str(sex_labels.get(k, _("Inget svar"))): by_sex.get(k, 0)
                    for k in [*sex_labels, ""]
                },
                min_size=min_size,
            ),
        ),
        (
            _("Åldersgrupp"),
            suppress(
                {label or _("Inget svar"): by_age.get(label, 0) for label in [*AGE_GROUPS, ""]},
                min_size=min_size,
            ),
        ),
        (_("Kommun"), suppress(dict(sorted(by_place.items())), min_size=min_size)),
    ]


def _card(
    theme: Theme, texts: dict[int, str], background: Background, min_size: int, terms: list[Term]
) -> dict[str, Any]:
    members = [a.pk for a in theme.answers.all()]
    return {
        "theme": theme,
        "count": len(members),
        "quotes": _quotes(theme, members, texts, terms),
        # A small theme's breakdown would tell who wrote what.
        "breakdowns": _breakdowns(members, background, min_size)
        if len(members) >= min_size
        else [],
    }
