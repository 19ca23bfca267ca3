"""Building a knowledge bank for the tests."""

from typing import Any

from tests.factories import OrganisationFactory, UserFactory, role

from delaktig.accounts.models import User
from delaktig.knowledge import services
from delaktig.knowledge.models import Part, Section
from delaktig.knowledge.workflow import Action
from delaktig.organisations.models import Organisation


def official_of(organisation: Organisation) -> User:
    return role(UserFactory(), "official", organisation)


def section_of(organisation: Organisation, title: str = "Om hot och hat") -> Section:
    return services.section_create(
        actor=official_of(organisation), organisation=organisation, title=title
    )


def part_in(
    section: Section, *, published: bool = True, title: str = "Vad är hot?", **fields: Any
) -> Part:
    official = official_of(section.organisation)
    values: dict[str, Any] = {
        "kind": "page",
        "body": "Text om **hot**.",
        "minutes": 10,
        "audience": "both",
    }
    values.update(fields)
    part = services.part_create(actor=official, section=section, title=title, **values)
    if published:
        part = services.part_transition(actor=official, part=part, action=Action.PUBLISH)
    return part


def bank(**part_fields: Any) -> Part:
    """A published part in a new organisation's knowledge bank."""
    return part_in(section_of(OrganisationFactory()), **part_fields)


def person(kind: str, organisation: Organisation | None) -> User:
    """A person with the role ``kind`` in ``organisation`` ("resident": none)."""
    user = UserFactory()
    if kind == "administrator":
        return role(user, "administrator")
    if kind != "resident":
        role(user, kind, organisation)
    return user
