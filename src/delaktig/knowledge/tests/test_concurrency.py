"""Two clicks on "Jag har gått igenom den här delen" at the same moment count once."""

import pytest
from tests.concurrency import run_together

from delaktig.knowledge import services
from delaktig.knowledge.models import Completion
from delaktig.knowledge.tests.helpers import bank, person

pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_marks_by_one_person_give_one_row() -> None:
    part = bank()
    reader = person("elected", part.organisation)
    results, errors = run_together(
        [lambda: services.completion_mark(actor=reader, part=part) for _ in range(8)]
    )
    assert errors == []
    assert len({completion.pk for completion in results}) == 1
    assert Completion.objects.filter(part=part, user=reader).count() == 1
