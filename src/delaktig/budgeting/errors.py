"""The messages for the budgeting app's error codes (see `delaktig.core.catalogue`)."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

MESSAGES: dict[str, str | Promise] = {
    "budgeting.not_set_up": _("Medborgarbudgeten är inte inställd än."),
    "budgeting.login_required": _("Logga in för att lämna förslag eller rösta."),
    "budgeting.ideas_closed": _("Det går inte att lämna förslag just nu."),
    "budgeting.voting_closed": _("Omröstningen är inte öppen."),
    "budgeting.not_verified": _(
        "För att rösta behöver du visa att du är folkbokförd här. Logga in med "
        "e-legitimation, eller fråga efter en kod hos kommunen eller biblioteket."
    ),
    "budgeting.not_resident": _("Du kan rösta om du är folkbokförd i %(places)s."),
    "budgeting.age_unknown": _(
        "Vi vet inte din ålder. Verifiera dig igen med e-legitimation eller en ny kod, så "
        "kan du rösta."
    ),
    "budgeting.too_young": _("Du behöver ha fyllt %(min_age)d år för att rösta."),
    "budgeting.too_old": _("Omröstningen är för dig som är högst %(max_age)d år."),
    "budgeting.ballot_empty": _("Välj minst ett förslag."),
    "budgeting.ballot_unknown_project": _("Röstsedeln tar upp ett förslag som inte finns."),
    "budgeting.ballot_duplicate": _("Samma förslag finns två gånger på röstsedeln."),
    "budgeting.ballot_over_budget": _(
        "Förslagen du valt kostar %(total)s kronor, mer än budgeten på %(amount)s kronor. "
        "Ta bort något förslag."
    ),
    "budgeting.ballot_too_many": _("Du kan välja högst %(max)d förslag."),
    "budgeting.ranks_invalid": _(
        "Numrera förslagen 1, 2, 3 och så vidare, utan att hoppa över eller upprepa en siffra."
    ),
    "budgeting.voted_on_paper": _(
        "Du har redan röstat på papper. Varje person har en röst, och den går inte att ändra "
        "på nätet."
    ),
    "budgeting.already_voted": _("Personen har redan röstat (%(channel)s)."),
    "budgeting.reason_required": _("Skriv ett skäl. Skälet visas för alla."),
    "budgeting.cost_required": _("Ange en bedömd kostnad innan förslaget går till omröstning."),
    "budgeting.cost_over_budget": _("Förslaget kostar mer än hela budgeten."),
    "budgeting.no_projects_on_ballot": _("Inget förslag går till omröstning än."),
    "budgeting.ballot_is_fixed": _(
        "Röstsedeln är fastställd. Ångra fastställandet innan du ändrar förslagen eller reglerna."
    ),
    "budgeting.votes_cast": _("Det finns redan röster. Röstsedeln kan inte längre ändras."),
    "budgeting.vote_still_open": _("Omröstningen pågår. Rösterna räknas när den har stängt."),
    "budgeting.vote_not_held": _("Ingen omröstning har hållits än."),
    "budgeting.batches_open": _(
        "%(count)d omgångar med röstsedlar på papper är inte klara. Gör klart dem innan "
        "resultatet publiceras."
    ),
    "budgeting.recount_needed": _(
        "Röstsedlar har kommit till efter räkningen. Räkna rösterna igen innan resultatet "
        "publiceras."
    ),
    "budgeting.unknown_code": _(
        "Rad %(line)d: koden %(code)s finns inte på någon utskriven röstsedel."
    ),
    "budgeting.code_used": _("Rad %(line)d: koden %(code)s är redan räknad."),
    "budgeting.code_twice": _("Rad %(line)d: koden %(code)s står två gånger."),
    "budgeting.entry_line": _(
        "Rad %(line)d går inte att läsa. Skriv koden, ett kolon och förslagens nummer, till "
        "exempel ABCD-EFGH-JKMN: 3, 7. Skriv ogiltig efter kolonet för en ogiltig röstsedel."
    ),
    "budgeting.entry_empty": _("Skriv in minst en röstsedel."),
    "budgeting.unknown_number": _(
        "Rad %(line)d: det finns inget förslag med nummer %(number)s på röstsedeln."
    ),
    "budgeting.same_person_twice": _(
        "Du har redan gjort den ena inmatningen. Den andra görs av en kollega."
    ),
    "budgeting.batch_done": _("Omgången är redan godkänd och räknad."),
    "budgeting.results_published": _("Resultatet är publicerat och kan inte längre ändras."),
    "budgeting.receipt_not_found": _(
        "Vi hittar ingen röstsedel med den koden. Kontrollera att du skrev av den rätt."
    ),
    "budgeting.too_many_receipt_checks": _(
        "Du har kontrollerat många koder på kort tid. Vänta en stund och försök igen."
    ),
    "budgeting.age_range": _("Den lägsta åldern kan inte vara högre än den högsta."),
    "budgeting.max_choices_required": _(
        "Ange hur många förslag en röstsedel får ta upp med den här metoden."
    ),
    "budgeting.amount_invalid": _("Budgeten måste vara minst 1 krona."),
    "budgeting.not_a_winner": _("Bara förslag som fått pengar kan kopplas till en aktivitet."),
    "budgeting.activity_other_organisation": _(
        "Aktiviteten hör till en annan organisations handlingsplan."
    ),
    "budgeting.paper_count": _("Skriv ut mellan 1 och %(max)d röstsedlar åt gången."),
    "budgeting.title_required": _("Skriv en rubrik för förslaget."),
    "budgeting.description_required": _("Beskriv förslaget."),
    "budgeting.unknown_category": _("Välj en av kategorierna i listan."),
    "budgeting.place_required": _("Skriv var röstsedlarna lämnades in."),
    "budgeting.unknown_population_table": _("Välj en av organisationens befolkningstabeller."),
    "budgeting.not_in_area": _("Kommunen hör inte till omröstningen."),
}
