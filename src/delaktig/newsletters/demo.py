"""The demo region's newsletters, from ``demo_data.toml``, through the same services as the
pages: subscriptions requested and confirmed by their links, one newsletter translated into
English (reviewed) and sent, one draft."""

from typing import Any

from delaktig.core.contributions import DemoContext, demo_content
from delaktig.organisations.models import Municipality
from delaktig.participation.models import Perspective, SdgGoal
from delaktig.translations.services import Change, translations_save

from . import sending, services, tokens
from .models import Subscription


def _subscribe(region: Any, spec: dict[str, Any]) -> None:
    municipality = (
        Municipality.objects.get(code=spec["municipality"]) if "municipality" in spec else None
    )
    services.subscription_request(
        actor=_anonymous(),
        organisation=region,
        email=spec["email"],
        language=spec["language"],
        municipality=municipality,
        perspectives=list(Perspective.objects.filter(code__in=spec.get("perspectives", []))),
        sdg_goals=list(SdgGoal.objects.filter(number__in=spec.get("goals", []))),
        client=f"demo:{spec['email']}",
    )
    subscription = Subscription.objects.get(organisation=region, email=spec["email"])
    services.subscription_confirm(token=tokens.make("s", subscription.pk, subscription.email))


def _anonymous() -> Any:
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


def load(context: DemoContext) -> None:
    content = demo_content(__file__)
    region, official = context.region, context.official
    languages = set(region.settings.content_languages) if hasattr(region, "settings") else set()
    for spec in content["subscriptions"]:
        if spec["language"] == "sv" or spec["language"] in languages:
            _subscribe(region, spec)
    for spec in content["newsletters"]:
        newsletter = services.newsletter_create(
            actor=official,
            organisation=region,
            subject=spec["subject"],
            preamble=spec.get("preamble", ""),
            body=spec["body"],
            municipalities=list(
                Municipality.objects.filter(code__in=spec.get("municipalities", []))
            ),
        )
        for code, texts in spec.get("translation", {}).items():
            translations_save(
                actor=official,
                obj=newsletter,
                language=code,
                changes=[Change(field, text) for field, text in texts.items()],
                reviewed=True,
            )
        if spec.get("send"):
            services.newsletter_send(actor=official, newsletter=newsletter)
            # Hand every batch to the outbox now, so the demo shows a finished sending.
            while sending.batch_send(newsletter.pk):
                pass
