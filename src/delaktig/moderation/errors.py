"""The messages for the moderation app's error codes (see `delaktig.core.catalogue`)."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

MESSAGES: dict[str, str | Promise] = {
    "moderation.rules_not_accepted": _(
        "Läs samtalsreglerna och kryssa i att du följer dem innan du skickar ditt första inlägg."
    ),
    "moderation.personal_data": _(
        "Texten ser ut att innehålla personuppgifter: %(found)s. Det du skriver blir offentligt. "
        "Ta bort uppgifterna, eller kryssa i att du vill skicka texten som den är."
    ),
    "moderation.personal_data_and_rules": _(
        "Texten ser ut att innehålla personuppgifter: %(found)s. Det du skriver blir offentligt. "
        "Ta bort uppgifterna, eller kryssa i att du vill skicka texten som den är. Läs också "
        "samtalsreglerna och kryssa i att du följer dem."
    ),
    "moderation.own_decision_under_review": _(
        "Den som skrev har begärt omprövning av ditt beslut. En annan moderator gör omprövningen."
    ),
    "moderation.decided_meanwhile": _(
        "Någon annan har just beslutat om texten. Läs det senaste beslutet innan du beslutar."
    ),
    "moderation.bad_action": _("Välj att dölja eller avvisa texten."),
    "moderation.no_rule": _("Välj vilken regel texten bryter mot."),
    "moderation.no_reason": _("Skriv ett skäl. Det visas för den som skrev texten."),
    "moderation.not_withheld": _("Texten är redan publicerad."),
    "moderation.decision_superseded": _(
        "Det finns ett senare beslut om texten. Begär omprövning av det i stället."
    ),
    "moderation.review_already_requested": _("Du har redan begärt omprövning av beslutet."),
    "moderation.no_outcome": _("Välj om beslutet står fast eller ändras."),
    "moderation.no_reply": _("Skriv ett svar till den som skrev texten."),
    "moderation.same_moderator": _(
        "En annan moderator än den som fattade beslutet prövar det igen."
    ),
    "moderation.no_review_pending": _("Ingen begäran om omprövning väntar för beslutet."),
    "moderation.no_rules_text": _("Skriv samtalsreglerna."),
    "moderation.no_term": _("Skriv ett ord eller en fras."),
    "moderation.bad_term": _(
        "Ordet går inte att använda i granskningen. Skriv bokstäver och mellanslag; | skiljer "
        "alternativ."
    ),
    "moderation.term_exists": _("Ordet finns redan i listan med den sorten."),
}
