"""Reads for a person's own pages: Mina sidor, gathered from every app's sections."""

from collections.abc import Sequence
from dataclasses import dataclass

from delaktig.core.contributions import MineSection, WorkItem, mine_sections

from .types import User


@dataclass(frozen=True)
class MineList:
    """One section of Mina sidor as the person sees it."""

    section: MineSection
    items: Sequence[WorkItem]

    @property
    def anchor(self) -> str:
        return "mina-" + self.section.key.replace(".", "-").replace("_", "-")


def mine_lists(*, viewer: User) -> list[MineList]:
    """Every app's Mina sidor section with the person's items, in the registry's order. A
    section with nothing to say when empty (no ``empty`` text) is left out while it is empty,
    so that, say, council work shows only for council members."""
    lists = [MineList(section, section.items(viewer)) for section in mine_sections()]
    return [entry for entry in lists if entry.items or entry.section.empty]
