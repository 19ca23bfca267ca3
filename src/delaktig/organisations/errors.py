"""The organisations app's error messages, by code (see :mod:`delaktig.core.catalogue`)."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

MESSAGES: dict[str, str | Promise] = {
    "organisations.unknown_retention_rule": _("Det finns ingen gallringsregel som heter %(key)s."),
    "organisations.retention_too_short": _("Uppgifterna måste sparas i minst %(min_days)s dagar."),
    "organisations.colour_not_hex": _(
        "Skriv färgen som en hexkod med sex tecken efter #, till exempel #00457a."
    ),
    "organisations.colour_low_contrast": _(
        "Färgen %(colour)s har kontrasten %(ratio)s:1 mot vit och ljusgrå bakgrund, men "
        "minst %(minimum)s:1 krävs för att text och länkar ska gå att läsa. Närmaste mörkare "
        "nyans som klarar kravet är %(suggestion)s."
    ),
    "organisations.logo_alt_missing": _(
        "Skriv en alternativtext som säger vad logotypen föreställer, till exempel "
        "organisationens namn."
    ),
    "organisations.host_invalid": _(
        "”%(host)s” är inget värdnamn. Skriv bara namnet, till exempel delta.ostersund.se, "
        "utan https://, snedstreck eller mellanslag."
    ),
    "organisations.host_not_served": _(
        "Installationen tar inte emot adressen %(host)s. Be driften lägga till den i "
        "DJANGO_ALLOWED_HOSTS, i DNS och i certifikatet först (se avsnittet om värdnamn i "
        "driftdokumentationen)."
    ),
    "organisations.host_taken": _("Adressen %(host)s används redan av %(organisation)s."),
}
