"""The demo region's knowledge bank: sections, parts and a few completions by demo people.

The content is in ``demo_data.toml`` next to this module; everything is created through the
same services the staff and reader pages use."""

from typing import Any

from allauth.account.models import EmailAddress

from delaktig.accounts.models import Role, User
from delaktig.core.contributions import DemoContext, demo_content

from . import services
from .models import Part
from .workflow import Action

DEMO_PASSWORD = "delaktig-demo"  # noqa: S105 - the demo's printed password, as demo/region.py


def _reader(region: Any, spec: dict[str, Any]) -> User:
    """The demo person with ``spec["email"]``, created unless another loader made them, with
    the role in the region."""
    user = User.objects.filter(email=spec["email"]).first()
    if user is None:
        user = User.objects.create_user(
            username=spec["email"],
            email=spec["email"],
            password=DEMO_PASSWORD,
            display_name=spec["name"],
        )
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    Role.objects.get_or_create(user=user, kind=spec["role"], organisation=region)
    return user


def load(context: DemoContext) -> None:
    content = demo_content(__file__)
    region, official = context.region, context.official
    for spec in content["readers"]:
        _reader(region, spec)
    parts: dict[str, Part] = {}
    for section_spec in content["sections"]:
        section = services.section_create(
            actor=official,
            organisation=region,
            title=section_spec["title"],
            introduction=section_spec["introduction"],
        )
        for spec in section_spec["parts"]:
            part = services.part_create(
                actor=official,
                section=section,
                kind=spec["kind"],
                title=spec["title"],
                summary=spec.get("summary", ""),
                body=spec.get("body", ""),
                url=spec.get("url", ""),
                minutes=spec["minutes"],
                audience=spec["audience"],
                is_public=spec.get("public", False),
            )
            parts[part.title] = services.part_transition(
                actor=official, part=part, action=Action.PUBLISH
            )
    for spec in content["completions"]:
        user = User.objects.get(email=spec["email"])
        for title in spec["parts"]:
            services.completion_mark(actor=user, part=parts[title])
