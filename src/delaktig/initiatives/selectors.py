"""Reads for the folkinitiativ pages."""

from .counting import Count, SignatureRow, count_signatures
from .models import Initiative, Signature


def initiative_count(*, initiative: Initiative) -> Count:
    """Which of the initiative's signatures count (kommunallagen 8 kap. 2 §)."""
    rows = [
        SignatureRow(signed_on, person, valid)
        for signed_on, person, valid in Signature.objects.filter(
            signature_list__initiative=initiative
        ).values_list("signed_on", "identity_hash", "valid")
    ]
    return count_signatures(
        rows, submitted_on=initiative.submitted_on, entitled_voters=initiative.entitled_voters
    )


def initiatives_with_counts() -> list[tuple[Initiative, Count]]:
    """Every initiative, newest first, with its count."""
    initiatives = Initiative.objects.select_related("organisation")
    return [(initiative, initiative_count(initiative=initiative)) for initiative in initiatives]
