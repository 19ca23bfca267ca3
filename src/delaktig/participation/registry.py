"""The module registry: how a participation method plugs into a process.

A method (discussion, survey, opinion map, meeting …) declares one :class:`ModuleType`
in its app's ``modules.py`` and calls :func:`register`. The declaration says everything
the spine needs to host it; the spine never imports a method directly.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django.http import HttpRequest
    from django.urls import URLPattern, URLResolver

    from delaktig.accounts.types import User

    from .models import Process, ProcessModule


@dataclass(frozen=True)
class PhaseType:
    """A kind of phase a module offers, and the actions it allows while it runs."""

    key: str
    name: str | Promise
    allows: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Export:
    key: str
    name: str | Promise
    # Returns (filename, content type, bytes) for a module of this type.
    build: Callable[["ProcessModule"], tuple[str, str, bytes]]
    # Whether there is anything to export yet (a budget's ballots exist only after the count);
    # None: always. The process page lists only the exports that are ready.
    ready: Callable[["ProcessModule"], bool] | None = None


@dataclass(frozen=True)
class TemplateHooks:
    """How a module's own settings (a survey's questions) travel in a process template
    (``templates_spec.py``). ``where`` names the settings in an error message."""

    # Raises DelaktigError for settings the module cannot use.
    check: Callable[[Mapping[str, Any], str], None]
    # Fills a module just made from a template, after the process's phases exist.
    apply: Callable[["User", "ProcessModule", Mapping[str, Any]], None]
    # The settings of an existing module, for "Spara som mall" (JSON-ready).
    export: Callable[["ProcessModule"], dict[str, Any]]


@dataclass(frozen=True)
class ModuleType:
    key: str
    name: str | Promise
    description: str | Promise
    phase_types: tuple[PhaseType, ...]
    # Renders the module's part of the public process page (HTML string).
    render_public: Callable[["HttpRequest", "ProcessModule", dict[str, Any]], str]
    # Users who took part; they are told when feedback is published.
    participant_ids: Callable[["Process"], "QuerySet[Any]"]
    # Counts shown to staff, e.g. {"comments": 12}, and a label for each key.
    figures: Callable[["Process"], dict[str, int]]
    # The module's own views, mounted at /m/<key>/ under the URL namespace ``app_name``.
    app_name: str = ""
    urls: Callable[[], Iterable["URLPattern | URLResolver"]] = lambda: ()
    # Staff navigation entries: (url name, label).
    staff_links: tuple[tuple[str, str | Promise], ...] = ()
    exports: tuple[Export, ...] = ()
    # Fills a module with realistic content for the demo region.
    demo_data: Callable[["ProcessModule", Any], None] | None = None
    figure_labels: dict[str, str | Promise] = field(default_factory=dict)
    # The module's own staff page for one module (a URL name taking the module's pk), linked
    # from the staff process page, e.g. the survey builder.
    manage_url: str = ""
    # Settings a process template can carry for this module; None: title and text only.
    templates: TemplateHooks | None = None
    # Published records of what became of the input (a compilation of a consultation, a
    # vote's results): (label, URL) pairs the process page's feedback section links to.
    outcome_links: Callable[["ProcessModule"], list[tuple[str, str]]] = lambda module: []
    extra: dict[str, Any] = field(default_factory=dict)

    def phase_type(self, key: str) -> PhaseType | None:
        return next((p for p in self.phase_types if p.key == key), None)


_registry: dict[str, ModuleType] = {}


def register(module_type: ModuleType) -> ModuleType:
    if module_type.key in _registry and _registry[module_type.key] is not module_type:
        raise ValueError(f"A participation module is already registered as {module_type.key!r}")
    _registry[module_type.key] = module_type
    return module_type


def get(key: str) -> ModuleType:
    return _registry[key]


def all_types() -> list[ModuleType]:
    return sorted(_registry.values(), key=lambda m: m.key)


def choices() -> list[tuple[str, str]]:
    return [(m.key, str(m.name)) for m in all_types()]
