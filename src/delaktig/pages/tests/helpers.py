"""Building information pages for the tests."""

from typing import Any, cast

from tests.factories import OrganisationFactory, UserFactory, role

from delaktig.accounts.models import User
from delaktig.organisations.models import Organisation, OrganisationSettings
from delaktig.pages import services
from delaktig.pages.models import Page
from delaktig.pages.workflow import Action
from delaktig.translations.services import Change, translations_save


def official_of(organisation: Organisation) -> User:
    return role(UserFactory(), "official", organisation)


def offer(organisation: Organisation, *codes: str) -> None:
    """Let the organisation offer ``codes`` as content languages."""
    settings, _created = OrganisationSettings.objects.get_or_create(organisation=organisation)
    settings.content_languages = ["sv", *codes]
    settings.save()


def page_in(
    organisation: Organisation | None = None,
    *,
    published: bool = True,
    title: str = "Så styrs regionen",
    **fields: Any,
) -> Page:
    organisation = organisation or cast(Organisation, OrganisationFactory())
    official = official_of(organisation)
    values: dict[str, Any] = {"kind": "governance", "body": "Regionfullmäktige beslutar."}
    values.update(fields)
    page = services.page_create(actor=official, organisation=organisation, title=title, **values)
    if published:
        page = services.page_transition(actor=official, page=page, action=Action.PUBLISH)
    return page


def translate(page: Page, code: str, *, reviewed: bool = True, **texts: str) -> None:
    translations_save(
        actor=official_of(page.organisation),
        obj=page,
        language=code,
        changes=[Change(field, text) for field, text in texts.items()],
        reviewed=reviewed,
    )


def person(kind: str, organisation: Organisation | None) -> User:
    """A person with the role ``kind`` in ``organisation`` ("resident": none)."""
    user = UserFactory()
    if kind == "administrator":
        return role(user, "administrator")
    if kind != "resident":
        role(user, kind, organisation)
    return user
