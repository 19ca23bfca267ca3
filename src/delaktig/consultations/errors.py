"""The messages for the consultations app's error codes (see `delaktig.core.catalogue`)."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

MESSAGES: dict[str, str | Promise] = {
    "consultations.login_required": _("Logga in för att lämna en synpunkt."),
    "consultations.closed": _("Det går inte att lämna synpunkter på utkastet just nu."),
    "consultations.title_required": _("Skriv en rubrik."),
    "consultations.name_required": _("Skriv organisationens namn, eller välj ett råd."),
    "consultations.invalid_choice": _("Välj ett av alternativen i listan."),
    "consultations.comment_empty": _("Skriv din synpunkt."),
    "consultations.comment_too_long": _("Synpunkten får vara högst %(max)d tecken."),
    "consultations.paragraph_unknown": _("Stycket finns inte i den version som är ute på samråd."),
    "consultations.not_contact": _("Du är inte kontaktperson för %(name)s."),
    "consultations.own_comment": _("Du kan inte hålla med om din egen synpunkt."),
    "consultations.document_empty": _("Skriv eller ladda upp dokumentet."),
    "consultations.document_too_long": _(
        "Dokumentet har %(count)d stycken. Det får ha högst %(max)d."
    ),
    "consultations.document_too_large": _("Dokumentet får vara högst %(max)s."),
    "consultations.docx_unreadable": _(
        "Filen gick inte att läsa som ett Word-dokument (.docx). Spara den som .docx och "
        "försök igen."
    ),
    "consultations.no_working_copy": _("Det finns ingen ny version att publicera."),
    "consultations.already_published": _("Samrådsredogörelsen är redan publicerad."),
    "consultations.not_open": _("Utkastet är inte ute på samråd än."),
    "consultations.still_open": _(
        "Synpunkter kan fortfarande lämnas. Publicera samrådsredogörelsen när samrådstiden är slut."
    ),
    "consultations.unanswered": _(
        "Alla synpunkter ska besvaras i samrådsredogörelsen. Utan svar än: %(count)d."
    ),
    "consultations.nothing_selected": _("Välj minst en synpunkt."),
    "consultations.reason_required": _("Skriv svaret och skälet. Det visas för alla."),
    "consultations.stance_required": _("Välj hur synpunkten tas om hand."),
    "consultations.theme_name_taken": _("Det finns redan ett tema med det namnet."),
    "consultations.theme_name_required": _("Ge temat ett namn."),
    "consultations.too_few_for_themes": _(
        "Det behövs minst fyra synpunkter med text för att föreslå teman."
    ),
    "consultations.invitation_name_taken": _("%(name)s är redan inbjuden."),
    "consultations.invitation_contact_required": _(
        "Ange kontaktpersonens e-post, eller välj ett av organisationens råd."
    ),
    "consultations.invitation_answered": _(
        "Organisationen har redan svarat och kan inte tas bort från listan."
    ),
    "consultations.deadline_passed": _("Sista dag för svar har redan varit."),
}
