"""Demo comments for a discussion module."""

import random
from datetime import timedelta
from typing import Any

from django.utils import timezone

from delaktig.participation.models import ProcessModule

from .models import Comment, CommentReport

COMMENTS = [
    "Det viktigaste för mig är att man får svar på det man skriver. Förra gången hörde vi aldrig något.",
    "Jag bor i Bräcke och har 14 mil till närmaste sjukhus. Digitala besök har gjort stor skillnad, men alla klarar inte tekniken.",
    "Bra att ni frågar! Skicka gärna frågorna till pensionärsföreningarna också, alla är inte på nätet.",
    "Ungdomar måste få vara med från början, inte bara tycka till om ett färdigt förslag.",
    "Kan ni översätta materialet till samiska och finska? Det skulle visa att ni menar allvar.",
    "Tolk och anpassade lokaler behövs för att personer med funktionsnedsättning ska kunna vara med på mötena.",
    "Jag tycker ersättning för förlorad arbetsinkomst är rimligt. Annars är det bara de som har råd som deltar.",
    "Ha mötena på kvällstid och erbjud barnpassning, så kommer fler småbarnsföräldrar.",
    "I vårt bostadsområde litar många inte på myndigheter. Samarbeta med föreningarna som redan finns här.",
    "Snälla, skriv kortare och enklare. Jag förstod inte vad frågan var förrän tredje gången jag läste.",
    "Hur ska resultatet vägas om nästan bara folk från Östersund svarar?",
    "Jag vill kunna följa vad som händer efteråt, steg för steg.",
]
REPLIES = [
    "Håller med helt. Återkopplingen är det som avgör om man orkar engagera sig igen.",
    "Bra poäng. Biblioteken kunde hjälpa till med de digitala besöken.",
    "Vi i ungdomsrådet har sagt samma sak länge.",
    "Det här borde stå i principerna för medborgardialog.",
]


def fill_discussion(module: ProcessModule, people: Any, *, count: int = 8, seed: int = 7) -> None:
    rng = random.Random(seed + module.pk)
    residents = list(people)
    base = module.process.published_at or timezone.now()
    created = []
    for index, text in enumerate(rng.sample(COMMENTS, k=min(count, len(COMMENTS)))):
        comment = Comment.objects.create(module=module, author=rng.choice(residents), body=text)
        created.append(comment)
        Comment.objects.filter(pk=comment.pk).update(created=base + timedelta(hours=5 + 9 * index))
    for index, text in enumerate(rng.sample(REPLIES, k=2)):
        parent = created[index]
        reply = Comment.objects.create(
            module=module, author=rng.choice(residents), body=text, parent=parent
        )
        Comment.objects.filter(pk=reply.pk).update(created=base + timedelta(hours=30 + index))
    rude = Comment.objects.create(
        module=module,
        author=rng.choice(residents),
        body="Alla politiker är idioter och borde skämmas, ni lyssnar ändå aldrig.",
    )
    CommentReport.objects.create(
        comment=rude,
        reporter=residents[0],
        reason=CommentReport.Reason.HARASSMENT,
        explanation="Personangrepp, inte en synpunkt i sak.",
    )
