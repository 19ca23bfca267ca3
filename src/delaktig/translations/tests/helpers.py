"""Organisations with languages, processes and the people who translate them, for the
tests (the translatable kind is the ``process_kind`` fixture in ``conftest.py``)."""

from typing import Any

from tests.factories import OrganisationFactory, ProcessFactory, UserFactory, role

from delaktig.accounts.models import Role, User
from delaktig.organisations.models import Organisation, OrganisationSettings

LANGUAGES = ["sv", "en", "se", "sma", "smj"]


def organisation(languages: list[str] | None = None) -> Organisation:
    org = OrganisationFactory()
    OrganisationSettings.objects.update_or_create(
        organisation=org, defaults={"content_languages": languages or LANGUAGES}
    )
    return org


def process_in(org: Organisation, **fields: Any) -> Any:
    """A process (``participation.Process``, built by the project's factory)."""
    values = {
        "title": "Busstrafiken i Berg",
        "summary": "Vad tycker du om bussarna?",
        "body": "## Bakgrund\n\nLinje 1 ska ändras.",
    }
    values.update(fields)
    return ProcessFactory(organisation=org, **values)


def official_of(org: Organisation) -> User:
    return role(UserFactory(), "official", org)


def translator_of(org: Organisation, *languages: str) -> User:
    user = UserFactory()
    Role.objects.create(user=user, kind="translator", organisation=org, languages=list(languages))
    return user


def fresh(user: User) -> User:
    """The account without its cached roles."""
    return User.objects.get(pk=user.pk)
