"""The messages for the proposals app's error codes (see :mod:`delaktig.core.catalogue`)."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

MESSAGES: dict[str, str | Promise] = {
    # Who may write and support a proposal.
    "proposals.not_enabled": _("Organisationen tar inte emot medborgarförslag här."),
    "proposals.not_verified": _(
        "Du behöver verifiera din identitet först: logga in med e-legitimation, eller använd en "
        "kod från en tjänsteperson under Mina sidor."
    ),
    "proposals.not_resident": _(
        "Bara den som är folkbokförd i någon av organisationens kommuner kan göra det här."
    ),
    # Drafts.
    "proposals.too_many_drafts": _(
        "Du har börjat på många nya förslag på kort tid. Vänta en stund och försök igen, eller "
        "arbeta vidare med ett av dina utkast."
    ),
    "proposals.too_many_open_drafts": _(
        "Du har redan många utkast som inte är inskickade. Skicka in eller släng något av dem "
        "under Mina förslag innan du börjar på ett nytt."
    ),
    "proposals.too_many_attachments": _("Högst fem bilagor per förslag."),
    "proposals.attachment_too_large": _("%(name)s är större än 10 MB."),
    "proposals.attachment_not_allowed": _("%(name)s är inte en PDF-, JPEG- eller PNG-fil."),
    "proposals.category_elsewhere": _("Kategorin hör till en annan organisation."),
    "proposals.author_name_missing": _("Skriv namnet som ska stå vid förslaget."),
    # Supports.
    "proposals.already_supported": _(
        "Du har redan stött förslaget med ett annat konto. Varje person kan stödja ett förslag "
        "en gång."
    ),
    "proposals.support_closed": _("Förslaget tar inte emot stöd just nu."),
    "proposals.support_period_over": _("Stödet kan inte tas tillbaka nu: stödperioden är slut."),
    # The case.
    "proposals.rule_elsewhere": _("Regeln hör till en annan organisation."),
    "proposals.reason_missing": _("Förklara beslutet för den som skrev förslaget."),
    "proposals.case_number_taken": _("Diarienumret används redan."),
    "proposals.body_elsewhere": _("Nämnden hör till en annan organisation."),
    "proposals.decision_proposal_missing": _("Skriv förslaget till beslut."),
    "proposals.decided_by_elsewhere": _("Organet hör till en annan organisation."),
    "proposals.answer_missing": _("Skriv svaret till den som lämnade förslaget."),
    "proposals.decided_before_registration": _(
        "Beslutet kan inte vara fattat före diarieföringen (%(registered)s)."
    ),
    "proposals.decided_in_future": _("Beslutsdatumet kan inte ligga i framtiden."),
    "proposals.registered_in_future": _(
        "Diarieföringsdatumet kan inte ligga i framtiden. Ange ett datum till och med %(today)s."
    ),
    "proposals.registered_before_submission": _(
        "Förslaget kom in %(submitted)s och kan inte vara diariefört före det."
    ),
    "proposals.registered_after_decision": _(
        "Ärendet beslutades %(decided)s och kan inte vara diariefört efter det."
    ),
    "proposals.case_number_year": _(
        "Diarienumret ska ha samma år som diarieföringsdatumet (%(year)s)."
    ),
    "proposals.reported_in_future": _(
        "Datumet då ärendet redovisades för fullmäktige kan inte ligga i framtiden."
    ),
    "proposals.written_off_before_report_date": _(
        "Ärendet redovisades som oavslutat %(reported)s och kan inte skrivas av före det."
    ),
    # Corrections and redaction.
    "proposals.correction_reason_missing": _(
        "Skriv varför uppgiften rättas. Skälet visas i ärendets tidslinje."
    ),
    "proposals.correction_unchanged": _("Inget är ändrat. Ändra den uppgift som ska rättas."),
    "proposals.not_registered": _("Ärendet är inte diariefört."),
    "proposals.not_decided": _("Ärendet har inget beslut att rätta."),
    "proposals.redact_after_intake": _(
        "Personuppgifter kan bara tas bort innan förslaget har kontrollerats och publicerats."
    ),
    "proposals.redacted_title_missing": _("Förslaget behöver en rubrik."),
    "proposals.redacted_body_missing": _("Förslaget behöver en text."),
    "proposals.write_off_before_report": _(
        "Ett förslag kan bara skrivas av sedan det redovisats som oavslutat."
    ),
    # Screening and moderation.
    "proposals.held_for_moderation": _(
        "Den automatiska granskningen hittade något i förslaget. Läs vad den hittade och släpp "
        "förslaget på beslutssidan innan det publiceras, eller avvisa det."
    ),
    "proposals.not_hidden": _(
        "Ett medborgarförslag är en allmän handling och döljs inte. Avvisa det vid "
        "kontrollen, eller ta bort personuppgifter innan det publiceras."
    ),
}
