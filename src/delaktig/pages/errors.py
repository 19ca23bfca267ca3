"""The pages app's error messages, by code (see :mod:`delaktig.core.catalogue`)."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

MESSAGES: dict[str, str | Promise] = {
    "pages.title_missing": _("Skriv en rubrik."),
    "pages.slug_invalid": _(
        "Skriv adressen med små bokstäver a–z, siffror och bindestreck, till exempel "
        "”sa-styrs-regionen”."
    ),
    "pages.slug_taken": _("En annan sida på samma plats har redan adressen ”%(slug)s”."),
    "pages.too_deep": _(
        "Sidorna kan ligga i högst %(max)s nivåer. Välj en överordnad sida högre upp."
    ),
    "pages.parent_elsewhere": _(
        "Den överordnade sidan måste höra till samma organisation och får inte vara sidan "
        "själv eller en av dess undersidor."
    ),
    "pages.has_children": _("Sidan har undersidor. Flytta eller ta bort dem innan sidan tas bort."),
    "pages.name_missing": _("Skriv ledamotens namn."),
    "pages.body_elsewhere": _("Välj ett av organisationens egna organ."),
    "pages.term_order": _("Mandatperioden kan inte sluta innan den börjar."),
}
