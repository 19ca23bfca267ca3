"""The assessments app's error messages, by code (see :mod:`delaktig.core.catalogue`)."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

MESSAGES: dict[str, str | Promise] = {
    "assessments.answers_invalid": _("Några svar behöver rättas."),
    "assessments.missing_sections": _(
        "Fyll i de obligatoriska avsnitten innan analysen markeras som klar: %(sections)s."
    ),
    "assessments.four_eyes": _(
        "Den som har skrivit eller senast ändrat analysen kan inte godkänna den. "
        "En annan behörig person behöver göra det."
    ),
    "assessments.not_editable": _(
        "Bara utkast kan ändras. Återför analysen till utkast först, med en motivering."
    ),
    "assessments.title_missing": _("Skriv en rubrik."),
    "assessments.title_too_long": _("Rubriken får vara högst 200 tecken."),
    "assessments.process_and_activity": _(
        "En analys gäller en process eller en aktivitet, eller ingen av dem – inte båda."
    ),
    "assessments.link_of_other_organisation": _(
        "Processen eller aktiviteten hör till en annan organisation än analysen."
    ),
    "assessments.kind_missing": _("Välj ett slag av analys."),
    "assessments.reason_missing": _("Skriv varför analysen öppnas igen."),
    # One section's answer that does not fit the template (``kinds.Problem.code``).
    "assessments.answer_too_long": _("Svaret är för långt: högst %(max)s tecken, nu %(length)s."),
    "assessments.answer_invalid_choice": _("Välj bland alternativen i listan."),
    "assessments.answer_unknown_section": _("Avsnittet finns inte i mallen."),
    "assessments.answer_not_a_list": _("Välj ett eller flera alternativ i listan."),
    "assessments.answer_not_text": _("Svaret ska vara text."),
}
