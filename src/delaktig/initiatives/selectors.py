"""Reads for the folkinitiativ pages."""

from delaktig.core.paging import Window, window
from delaktig.organisations.models import Organisation

from .counting import Count, SignatureRow, count_signatures
from .models import Initiative, Signature


def count_rows(*, initiative: Initiative) -> Count:
    """Which of the initiative's signatures count (kommunallagen 8 kap. 2 §), from every row."""
    rows = [
        SignatureRow(signed_on, person, valid)
        for signed_on, person, valid in Signature.objects.filter(
            signature_list__initiative=initiative
        ).values_list("signed_on", "identity_hash", "valid")
    ]
    return count_signatures(
        rows, submitted_on=initiative.submitted_on, entitled_voters=initiative.entitled_voters
    )


def initiative_count(*, initiative: Initiative) -> Count:
    """The initiative's count as registered (no query), or from the rows if never stored."""
    if initiative.counted is not None:
        return Count.from_stored(initiative.counted, entitled_voters=initiative.entitled_voters)
    return count_rows(initiative=initiative)


PAGE_SIZE = 50


def initiatives_page(
    organisation: Organisation | None = None, *, number: int = 1
) -> Window[tuple[Initiative, Count]]:
    """A page of the initiatives (``organisation``'s only, when given), newest first, each
    with its count: one query for a page of fifty, however many initiatives there are."""
    initiatives = Initiative.objects.select_related("organisation")
    if organisation is not None:
        initiatives = initiatives.filter(organisation=organisation)
    page = window(initiatives, number, PAGE_SIZE)
    return Window(
        items=[(item, initiative_count(initiative=item)) for item in page.items],
        number=page.number,
        has_next=page.has_next,
    )
