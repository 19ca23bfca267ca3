"""The messages of the surveys app's error codes (see :mod:`delaktig.core.catalogue`).

The ``surveys.weighting_*`` codes say in the interface's language why the weighting engine
(:class:`delaktig.weighting.WeightingError`, which knows no Django and no translations) could not
weight the results; :func:`delaktig.surveys.results.weighting_error` makes them from its ``code``
and ``params``.
"""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

MESSAGES: dict[str, str | Promise] = {
    # Building
    "surveys.closes_before_opens": _("Enkäten måste stänga efter att den öppnar."),
    "surveys.condition_other_question": _("Villkoret måste gälla en annan fråga i samma enkät."),
    "surveys.condition_not_before": _("Villkoret måste gälla en fråga som kommer före den här."),
    "surveys.kind_in_use": _("Frågan har svar, så frågetypen kan inte ändras."),
    "surveys.choice_in_use": _(
        "Svarsalternativet ”%(label)s” har svar och kan inte tas bort. Ändra bara "
        "dess text på samma rad, eller låt det stå kvar."
    ),
    "surveys.choice_is_condition": _(
        "Svarsalternativet ”%(label)s” är villkor för en annan fråga."
    ),
    "surveys.move_before_condition": _(
        "Det går inte att flytta dit: en fråga skulle komma före frågan som "
        "villkoret för den gäller."
    ),
    "surveys.in_use": _("Det finns svar på det här, så det kan inte tas bort."),
    "surveys.condition_depends": _(
        "En annan fråga visas bara efter ett svar här. Ändra dess villkor först."
    ),
    "surveys.invitation_count": _("Skapa mellan 1 och 5 000 inbjudningar åt gången."),
    # Answering
    "surveys.invitation_required": _("Enkäten besvaras med en personlig inbjudningslänk."),
    "surveys.already_answered": _("Du har redan svarat på den här enkäten. Tack!"),
    "surveys.required_missing": _("Några obligatoriska frågor saknar svar."),
    # Themes
    "surveys.theme_name_required": _("Skriv ett namn på temat."),
    "surveys.theme_merge_other": _("Välj ett annat tema för samma fråga."),
    "surveys.theme_too_small": _("Temat har för få svar för att delas."),
    "surveys.theme_other_question": _("Välj teman för samma fråga."),
    # Weighting: the engine's codes (delaktig.weighting.WeightingError.code), prefixed
    "surveys.weighting_no_respondents_in_category": _(
        "%(variable)s: det finns befolkning men inga svar i %(categories)s. Ta bort "
        "variabeln ur vägningen eller gruppen ur målpopulationen."
    ),
    "surveys.weighting_no_population": _(
        "%(variable)s: det finns svar men ingen befolkning i %(categories)s. Kontrollera "
        "befolkningstabellen."
    ),
    "surveys.weighting_no_convergence": _(
        "Vägningen når inte alla marginaler samtidigt. Några kombinationer av grupper "
        "saknar svar; välj färre vägningsvariabler."
    ),
    "surveys.weighting_zero_population": _(
        "Befolkningstabellen har ingen befolkning i målgruppen."
    ),
    "surveys.weighting_no_respondents": _("Det finns inga svar att väga."),
    # Any other engine code: the message names it.
    "surveys.weighting_failed": _("Vägningen gick inte att göra med de här valen (%(code)s)."),
}
