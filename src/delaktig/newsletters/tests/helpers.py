"""Building subscriptions and newsletters for the tests."""

from typing import Any

from tests.factories import MunicipalityFactory, OrganisationFactory, UserFactory, role

from delaktig.accounts.models import User
from delaktig.newsletters import services, tokens
from delaktig.newsletters.models import Newsletter, Subscription
from delaktig.organisations.models import Municipality, Organisation, OrganisationSettings

ANONYMOUS: Any = None


def anonymous() -> Any:
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


def organisation(languages: tuple[str, ...] = ("sv", "en", "se")) -> Organisation:
    region = OrganisationFactory()
    OrganisationSettings.objects.update_or_create(
        organisation=region, defaults={"content_languages": list(languages)}
    )
    region.municipalities.add(berg(), MunicipalityFactory(code="2380", name="Östersund"))
    return region


def berg() -> Municipality:
    return MunicipalityFactory(code="2326", name="Berg")


def official_of(region: Organisation) -> User:
    return role(UserFactory(), "official", region)


def subscriber(
    region: Organisation,
    email: str,
    *,
    language: str = "sv",
    confirmed: bool = True,
    **choices: Any,
) -> Subscription:
    services.subscription_request(
        actor=anonymous(),
        organisation=region,
        email=email,
        language=language,
        client=f"test:{email}",
        **choices,
    )
    subscription = Subscription.objects.get(organisation=region, email=email.lower())
    if confirmed:
        services.subscription_confirm(token=confirm_token(subscription))
        subscription.refresh_from_db()
    return subscription


def confirm_token(subscription: Subscription) -> str:
    return tokens.make("s", subscription.pk, subscription.email)


def newsletter(region: Organisation, **fields: Any) -> Newsletter:
    values: dict[str, Any] = {"subject": "Nyheter", "body": "Text om **nyheter**."}
    values.update(fields)
    return services.newsletter_create(actor=official_of(region), organisation=region, **values)
