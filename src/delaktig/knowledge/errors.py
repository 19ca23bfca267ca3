"""The knowledge app's error messages, by code (see :mod:`delaktig.core.catalogue`)."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

MESSAGES: dict[str, str | Promise] = {
    "knowledge.title_missing": _("Skriv en rubrik."),
    "knowledge.section_title_taken": _("Det finns redan ett avsnitt med den rubriken."),
    "knowledge.section_not_empty": _(
        "Avsnittet har delar. Flytta eller ta bort dem innan avsnittet tas bort."
    ),
    "knowledge.body_missing": _("Skriv sidans text."),
    "knowledge.url_missing": _("Skriv adressen som länken går till."),
    "knowledge.document_missing": _("Välj en PDF-fil att ladda upp."),
    "knowledge.document_not_pdf": _(
        "”%(name)s” är ingen PDF-fil. Bara PDF-filer kan laddas upp i kunskapsbanken."
    ),
    "knowledge.document_too_large": _("”%(name)s” är större än %(limit)s MB. Välj en mindre fil."),
    "knowledge.minutes_out_of_range": _("Ange en tid mellan 1 och 600 minuter."),
    "knowledge.section_of_other_organisation": _(
        "Avsnittet hör till en annan organisation än delen."
    ),
}
