"""Every page answers malformed query and form parameters with less than a 500.

The sweep loads the demo region once and crawls the site as four people (an official, an
administrator, a resident and someone not logged in). The crawl finds a real object for every
URL pattern, the query parameters each view reads or its links and GET forms send, and the
POST forms the pages show; an empty POST to each page adds the form values its view reads.
Then the parameters are sent again with malformed values, and every answer must be below
500: a 400 page, a form error, 403, 404, 405 or a redirect are all fine.

Which values go where follows from who reads a parameter (watched on ``QueryDict``):

- a value the view reads itself (``request.POST.get("question")``, ``?datum=``) gets each
  malformed value in turn, the others kept as the page had them, since a view that refuses
  the first bad value never looks at the next;
- the fields a Django form reads get the malformed values all at once, one request a value:
  a form cleans every field whatever the others hold. Inputs where a number is typed also
  get a negative and a huge number in turn, which a form may accept and pass on.

Every request runs in a savepoint that is rolled back, so a POST that deletes or changes
something leaves the data set as it was for the next one.
"""

from __future__ import annotations

import re
import sys
import time
from collections import Counter, deque
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urljoin, urlsplit

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import (
    NoReverseMatch,
    Resolver404,
    URLPattern,
    URLResolver,
    get_resolver,
    resolve,
    reverse,
)
from django.utils.datastructures import MultiValueDict

# The order is the preference when a parameter can be sent as several people: the official
# first (the organisation-scoped code paths), then the administrator (who sees more pages).
ROLES = ("official", "administrator", "resident", "anonymous")
EMAILS = {
    "official": "tjansteperson@demo.delaktig.se",
    "administrator": "admin@demo.delaktig.se",
    "resident": "invanare@demo.delaktig.se",
}

Value = str | list[str]  # a list is the key repeated

# Each in turn to a value the view reads itself ...
MALFORMED: dict[str, Value] = {
    "text": "abc",
    "empty": "",
    "repeated": ["1", "abc"],
    "long": "x" * 10_000,
    "unicode": "\ufeff\u202eå\u200b",  # byte order mark, right-to-left override, zero width
}
# ... and to one that holds a number or a date on the page, or nothing.
MALFORMED_NUMBER: dict[str, Value] = {
    "negative": "-1",
    "huge": str(2**70),
    "float": "1e400",
    "superscript": "²",  # str.isdigit() says yes, int() says no
}
MALFORMED_DATE: dict[str, Value] = {"date": "2026-13-45", "month": "2026-13"}
# Each in turn to a form field where a number is typed: a form may take these and pass
# them on, which it would not do with the other fields all wrong.
FORM_NUMBER: dict[str, Value] = {"negative": "-1", "huge": str(2**70)}
# To all form fields at once (NUL to every parameter), one request a value.
MALFORMED_ALL: dict[str, Value] = {
    "text": "abc",
    "empty": "",
    "repeated": ["1", "abc"],
    "nul": "a\x00b",
    "long": "x" * 10_000,
    "unicode": "\ufeff\u202eå\u200b",
    "huge": str(2**70),
    "float": "1e400",
    "date": "2026-13-45",
}
# A path segment, by converter.
MALFORMED_PATH = {
    "int": [str(2**70)],
    "slug": ["x" * 300],
    "str": ["a%00b", "x" * 3000],
    "path": ["a%00b"],
}

_NUMBER = re.compile(r"-?\d+([.,]\d+)?")
_DATE = re.compile(r"\d{4}-\d{2}(-\d{2})?([ T][\d:]+)?")


def malformed_values(example: str | None) -> dict[str, Value]:
    """The values to send in turn to a parameter the view reads itself, where the page had
    ``example``."""
    values = dict(MALFORMED)
    if not example or _NUMBER.fullmatch(example):
        values |= MALFORMED_NUMBER
    if not example or _DATE.fullmatch(example):
        values |= MALFORMED_DATE
    return values


def _join(route1: str, route2: str) -> str:
    # As django.urls.resolvers.URLResolver._join_route, so routes match ResolverMatch.route.
    return route2 if not route1 else route1 + route2.removeprefix("^")


def _patterns() -> list[tuple[str, str]]:
    """(route, namespaced name) of every URL pattern but Django's admin (superusers only,
    Django's own code)."""
    found: list[tuple[str, str]] = []

    def walk(patterns: Any, prefix: str, namespace: str) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(entry.url_patterns, _join(prefix, str(entry.pattern)), inner)
            elif isinstance(entry, URLPattern):
                route = _join(prefix, str(entry.pattern))
                found.append((route, namespace + entry.name if entry.name else ""))

    walk(get_resolver().url_patterns, "", "")
    return [(route, name) for route, name in found if not route.startswith("admin/")]


PATTERNS = _patterns()
ROUTES = list(dict.fromkeys(route for route, _name in PATTERNS))


def _route_of(path: str) -> str | None:
    try:
        return resolve(path).route
    except Resolver404:
        return None


# --- Recording what a view reads ---------------------------------------------------------

_FORM_CODE = "django/forms/widgets.py"
_INTERNAL = "django/utils/datastructures.py"  # QueryDict filling itself in


@contextmanager
def recording_reads() -> Iterator[list[tuple[int, str, bool]]]:
    """Record (id of the QueryDict, key, read by a form widget) for every key looked up."""
    reads: list[tuple[int, str, bool]] = []
    saved = {}
    for name in ("get", "getlist", "__getitem__", "__contains__"):
        original = getattr(MultiValueDict, name)
        saved[name] = MultiValueDict.__dict__.get(name)

        def wrapper(self: Any, key: Any, *args: Any, _original: Any = original) -> Any:
            caller = sys._getframe(1).f_code.co_filename
            if not caller.endswith(_INTERNAL):
                reads.append((id(self), key, caller.endswith(_FORM_CODE)))
            return _original(self, key, *args)

        setattr(MultiValueDict, name, wrapper)
    try:
        yield reads
    finally:
        for name, original in saved.items():
            if original is None:
                delattr(MultiValueDict, name)
            else:
                setattr(MultiValueDict, name, original)


# --- Sending one request -----------------------------------------------------------------


@dataclass
class Reads:
    """The keys of one QueryDict a request looked up: by the view itself or by a form."""

    raw: set[str] = field(default_factory=set)
    form: set[str] = field(default_factory=set)

    def add(self, key: str, by_form: bool) -> None:
        (self.form if by_form else self.raw).add(key)

    def update(self, other: Reads) -> None:
        self.raw |= other.raw
        self.form |= other.form


@dataclass
class Outcome:
    status: int
    response: Any = None  # the test client's response
    error: BaseException | None = None
    get: Reads = field(default_factory=Reads)
    post: Reads = field(default_factory=Reads)


class _Rollback(Exception):
    pass


def send(
    client: Client,
    method: str,
    url: str,
    data: list[tuple[str, str]] | None = None,
    *,
    multipart: bool = False,
    htmx: bool = False,
    record: bool = False,
) -> Outcome:
    """One request in a savepoint that is rolled back, the client's cookies kept as they were
    (a logout or a language switch would otherwise change who the next request is from)."""
    cookies = client.cookies
    client.cookies = type(cookies)(cookies)
    cache.clear()  # rate limits would otherwise stop the sweep early
    headers = {"HX-Request": "true"} if htmx else {}
    outcome = Outcome(status=0)
    try:
        with transaction.atomic(), recording_reads() if record else nullcontext([]) as reads:
            if method == "GET":
                response = client.get(url, headers=headers)
            elif multipart:
                payload: dict[str, list[str]] = {}
                for key, value in data or []:
                    payload.setdefault(key, []).append(value)
                response = client.post(url, payload, headers=headers)
            else:
                response = client.post(
                    url,
                    urlencode(data or []),
                    content_type="application/x-www-form-urlencoded",
                    headers=headers,
                )
            outcome.status = response.status_code
            outcome.response = response
            if reads:
                request = response.wsgi_request
                owners = {id(request.GET): outcome.get}
                if method == "POST":
                    owners[id(request.POST)] = outcome.post
                for owner, key, by_form in reads:
                    if owner in owners and isinstance(key, str):
                        owners[owner].add(key, by_form)
            raise _Rollback
    except _Rollback:
        pass
    except Exception as error:  # noqa: BLE001 - every failure is collected and reported
        outcome.status = 500
        outcome.error = error
    finally:
        client.cookies = cookies
    return outcome


def _describe(outcome: Outcome) -> str:
    if outcome.error is not None:
        return f"{type(outcome.error).__name__}: {str(outcome.error)[:160]}"
    return f"status {outcome.status}"


# --- What the crawl finds ----------------------------------------------------------------


@dataclass
class Submission:
    """A POST form as a page shows it."""

    role: str
    url: str
    fields: list[tuple[str, str]]
    multipart: bool = False
    htmx: bool = False
    keep: set[str] = field(default_factory=set)  # hidden inputs and the button
    numbers: set[str] = field(default_factory=set)  # inputs where a number is typed
    reduced: bool = False  # the same form had its fields swept on an earlier route


@dataclass
class RouteInfo:
    route: str
    pages: dict[str, str] = field(default_factory=dict)  # role -> URL visited
    status: dict[str, int] = field(default_factory=dict)  # role -> its status
    read: dict[str, Reads] = field(default_factory=dict)  # role -> query keys looked up
    sent: dict[str, str] = field(default_factory=dict)  # query keys links and GET forms send
    submissions: dict[tuple[Any, ...], Submission] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)  # 500s during the crawl itself


def _example(attrs: dict[str, str]) -> str:
    """A valid-looking value for an empty input, so that the form as shown is accepted."""
    if attrs.get("inputmode") in ("numeric", "decimal"):
        return "1"
    return {
        "email": "test@example.com",
        "number": "1",
        "date": "2026-06-15",
        "datetime-local": "2026-06-15T10:00",
        "time": "10:00",
        "url": "https://example.com/",
        "password": "ett-langt-losenord-123",
    }.get(attrs.get("type", "text").lower(), "Test")


@dataclass
class Form:
    """A form on a page, with what a browser would send for it."""

    attrs: dict[str, str]
    fields: list[tuple[str, str]] = field(default_factory=list)  # file inputs left out
    hidden: set[str] = field(default_factory=set)  # names of hidden inputs
    buttons: list[tuple[str, str]] = field(default_factory=list)  # named submit buttons
    numbers: set[str] = field(default_factory=set)  # inputs where a number is typed
    has_file: bool = False


class PageParser(HTMLParser):
    """The links and forms of a page (the standard library's parser: no dependency)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[Form] = []
        self.form: Form | None = None
        self.select: tuple[str, bool, list[tuple[str, bool]]] | None = None
        self.option: tuple[str | None, bool, list[str]] | None = None
        self.textarea: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag: str, attr_list: list[tuple[str, str | None]]) -> None:
        attrs = {key: value or "" for key, value in attr_list}
        if tag == "a" and "href" in attrs:
            self.links.append(attrs["href"])
        elif tag == "form":
            self.form = Form(attrs)
            self.forms.append(self.form)
        elif self.form is None or "disabled" in attrs:
            return
        elif tag == "input":
            self.input(self.form, attrs)
        elif tag == "button" and attrs.get("name"):
            if attrs.get("type", "submit").lower() == "submit":
                self.form.buttons.append((attrs["name"], attrs.get("value", "")))
        elif tag == "select" and attrs.get("name"):
            self.select = (attrs["name"], "multiple" in attrs, [])
        elif tag == "option" and self.select is not None:
            self.end_option()
            self.option = (attrs.get("value"), "selected" in attrs, [])
        elif tag == "textarea" and attrs.get("name"):
            self.textarea = (attrs["name"], [])

    def input(self, form: Form, attrs: dict[str, str]) -> None:
        name, kind, value = (
            attrs.get("name"),
            attrs.get("type", "text").lower(),
            attrs.get("value", ""),
        )
        if kind == "submit" and name:
            form.buttons.append((name, value))
        elif kind == "file":
            form.has_file = True
        elif not name or kind in ("image", "reset", "button", "submit"):
            return
        elif kind in ("checkbox", "radio"):
            if "checked" in attrs:
                form.fields.append((name, value or "on"))
        elif kind == "hidden":
            form.hidden.add(name)
            form.fields.append((name, value))
        else:
            if kind == "number" or "inputmode" in attrs or _NUMBER.fullmatch(value):
                form.numbers.add(name)
            form.fields.append((name, value or _example(attrs)))

    def handle_data(self, data: str) -> None:
        if self.option is not None:
            self.option[2].append(data)
        if self.textarea is not None:
            self.textarea[1].append(data)

    def end_option(self) -> None:
        if self.option is not None and self.select is not None:
            value, selected, text = self.option
            self.select[2].append((value if value is not None else "".join(text).strip(), selected))
        self.option = None

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.form = None
        elif tag == "option":
            self.end_option()
        elif tag == "select" and self.select is not None:
            self.end_option()
            name, multiple, options = self.select
            chosen = [value for value, selected in options if selected]
            if not chosen and not multiple and options:
                chosen = [options[0][0]]  # what a browser sends when none is selected
            if self.form is not None:
                self.form.fields.extend((name, value) for value in chosen)
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            name, text = self.textarea
            value = "".join(text).removeprefix("\n")  # the newline after <textarea> is not sent
            if self.form is not None:
                self.form.fields.append((name, value or "Test"))
            self.textarea = None


def _signature(fields: list[tuple[str, str]], keep: set[str]) -> tuple[Any, ...]:
    """Forms that differ only in the object they are about, or in what is typed in them,
    are the same; a hidden input or a button that says what to do tells them apart."""
    names = set()
    for name, value in fields:
        kept = value if name in keep and re.fullmatch(r"[a-z_-]{1,30}", value) else ""
        names.add((re.sub(r"\d+", "N", name), kept))
    return tuple(sorted(names))


class Crawler:
    """Visit the site as each person, following links and noting forms.

    1. Discovery: each address found is visited once, by the first person who found it (up
       to ``PER_ROUTE`` addresses a route: a process page links to its modules, a strategy
       to its plans). The seeds are every route without parameters and the pages of a few
       objects of every model that has one.
    2. Every person visits every route, trying up to three addresses until one answers 200.
       A route that answers with a file (PDF, CSV) is visited until one person gets it.
    3. A route no link leads to gets the objects of the visited route most like it
       (``forslag/<pk>/stod/`` those of ``forslag/<pk>/``), or made-up values (a token
       from an e-mail).
    4. An empty POST to each route as the person who sees it records the form values its
       view reads.
    """

    PER_ROUTE = 3

    def __init__(self, clients: dict[str, Client]) -> None:
        self.clients = clients
        self.routes = {route: RouteInfo(route) for route in ROUTES}
        self.queue: deque[tuple[str, str]] = deque()
        self.candidates: dict[str, list[str]] = {route: [] for route in ROUTES}
        self.visited: set[tuple[str, str]] = set()
        self.files: set[str] = set()
        self.requests = 0

    def run(self, seeds: list[str]) -> dict[str, RouteInfo]:
        for url in seeds:
            self.found(ROLES[0], url)
        self.drain()
        for route, info in self.routes.items():
            for role in ROLES:
                if role in info.status or (route in self.files and 200 in info.status.values()):
                    continue
                for url in self.candidates[route][:3]:
                    self.visit(role, url)
                    if info.status.get(role) == 200:
                        break
            self.drain()
        for route, info in self.routes.items():
            if not info.pages and not info.submissions:
                self.borrow(route)
        for info in self.routes.values():
            self.discover_post(info)
        return self.routes

    def drain(self) -> None:
        while self.queue:
            self.visit(*self.queue.popleft())

    def found(self, role: str, url: str) -> None:
        parts = urlsplit(url)
        route = _route_of(parts.path)
        if route not in self.routes:
            return
        info = self.routes[route]
        for key, value in parse_qsl(parts.query, keep_blank_values=True):
            info.sent.setdefault(key, value)
        known = self.candidates[route]
        if url in known or (parts.query and any(urlsplit(u).path == parts.path for u in known)):
            return  # the same page with other parameters: its keys are noted above
        known.append(url)
        if len(known) <= self.PER_ROUTE:
            self.queue.append((role, url))

    def visit(self, role: str, url: str) -> None:
        route = _route_of(urlsplit(url).path)
        if route not in self.routes or (role, url) in self.visited:
            return
        info = self.routes[route]
        if route in self.files and 200 in info.status.values():
            return
        self.visited.add((role, url))
        self.requests += 1
        outcome = send(self.clients[role], "GET", url, record=True)
        if outcome.error is not None or outcome.status >= 500:
            info.failures.append(f"GET {url} as {role}: {_describe(outcome)}")
        if info.status.get(role) != 200:
            info.pages[role] = url
            info.status[role] = outcome.status
        info.read.setdefault(role, Reads()).update(outcome.get)
        response = outcome.response
        if response is None:
            return
        if response.status_code in (301, 302, 303) and response.get("Location"):
            self.found(role, urljoin(url, response["Location"]))
        if response.status_code != 200:
            return
        if not response.get("Content-Type", "").startswith("text/html"):
            self.files.add(route)
        elif response.content.strip():
            self.parse(role, url, response.content)

    def parse(self, role: str, url: str, content: bytes) -> None:
        page = PageParser()
        page.feed(content.decode())
        for href in page.links:
            target = urlsplit(urljoin(url, href))
            if target.scheme in ("http", "") and target.netloc in ("", "testserver"):
                self.found(role, target.path + (f"?{target.query}" if target.query else ""))
        for form in page.forms:
            self.add_form(role, url, form)

    def add_form(self, role: str, url: str, form: Form) -> None:
        target = urlsplit(urljoin(url, form.attrs.get("action") or url))
        route = _route_of(target.path)
        if target.netloc not in ("", "testserver") or route not in self.routes:
            return
        info = self.routes[route]
        action = target.path + (f"?{target.query}" if target.query else "")
        if form.attrs.get("method", "get").lower() == "get":
            for key, value in form.fields:
                info.sent.setdefault(key, value)
            self.found(role, target.path + "?" + urlencode(form.fields))
            return
        buttons: list[tuple[str, str] | None] = [*form.buttons] or [None]
        for button in buttons:
            submitted = form.fields + ([button] if button else [])
            keep = form.hidden | {button[0]} if button else form.hidden
            signature = (route, _signature(submitted, keep))
            known = info.submissions.get(signature)
            if known is None or ROLES.index(role) < ROLES.index(known.role):
                info.submissions[signature] = Submission(
                    role,
                    action,
                    submitted,
                    multipart=form.has_file or "multipart" in form.attrs.get("enctype", ""),
                    htmx=any(name.startswith("hx-") for name in form.attrs),
                    keep=keep,
                    numbers=form.numbers,
                )

    def borrow(self, route: str) -> None:
        """Reach ``route`` with the objects of the visited route most like it."""
        wanted = {a or b for a, b in re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", route)}
        best: tuple[int, dict[str, Any]] | None = None
        for other, info in self.routes.items():
            if not info.pages or other == route:
                continue
            kwargs = resolve(urlsplit(next(iter(info.pages.values()))).path).kwargs
            common = len(_common_prefix(route, other))
            if wanted <= set(kwargs) and (best is None or common > best[0]):
                best = (common, kwargs)
        kwargs = best[1] if best is not None else {name: "1" for name in wanted}
        for name in (name for r, name in PATTERNS if r == route and name):
            try:
                url = reverse(name, kwargs={k: kwargs[k] for k in wanted})
            except NoReverseMatch:
                continue
            for role in ROLES:
                self.visit(role, url)
            return

    def discover_post(self, info: RouteInfo) -> None:
        role = _preferred_role(info)
        if role is None:
            return
        url = info.pages[role]
        if any(s.url == url for s in info.submissions.values()):
            return
        self.requests += 1
        outcome = send(self.clients[role], "POST", url, [], record=True)
        if outcome.error is not None or outcome.status >= 500:
            info.failures.append(f"POST {url} as {role} (empty): {_describe(outcome)}")
        keys = outcome.post.raw | outcome.post.form
        if outcome.status != 405 and keys:
            fields = [(key, "") for key in sorted(keys)]
            info.submissions[(info.route, "read")] = Submission(role, url, fields)


def _common_prefix(a: str, b: str) -> str:
    index = 0
    while index < min(len(a), len(b)) and a[index] == b[index]:
        index += 1
    return a[:index]


def _preferred_role(info: RouteInfo, key: str | None = None) -> str | None:
    """Who sends a parameter: someone who reads it and sees the page, else who sees it."""
    for role in ROLES:
        reads = info.read.get(role, Reads())
        if key in reads.raw | reads.form and info.status.get(role) == 200:
            return role
    for role in ROLES:
        if info.status.get(role) == 200:
            return role
    return next((role for role in ROLES if role in info.pages), None)


def _object_urls(per_model: int = 3) -> list[str]:
    """The pages of a few objects of every model that has one."""
    from django.apps import apps

    urls = []
    for model in apps.get_models():
        if model.__module__.startswith("delaktig.") and hasattr(model, "get_absolute_url"):
            for instance in model._default_manager.order_by("-pk")[:per_model]:
                urls.append(instance.get_absolute_url())
    return urls


def _mark_repeated_forms(routes: dict[str, RouteInfo]) -> None:
    """A form shown on several routes (create and edit) gets malformed values in its fields
    on the first route only; on the others it is sent as shown and with NUL, and the values
    its view reads itself are sent malformed as everywhere."""
    seen = set()
    for route in ROUTES:
        for submission in routes[route].submissions.values():
            signature = _signature(submission.fields, submission.keep)
            submission.reduced = signature in seen
            seen.add(signature)


# --- The data set, once for the module ----------------------------------------------------


@dataclass
class Site:
    clients: dict[str, Client]
    routes: dict[str, RouteInfo]
    crawl_requests: int
    crawl_seconds: tuple[float, float]  # wall clock, processor
    requests: Counter[str] = field(default_factory=Counter)
    parameters: set[tuple[str, str, str]] = field(default_factory=set)  # route, where, key
    seconds: list[float] = field(default_factory=lambda: [0.0, 0.0])  # wall clock, processor


@pytest.fixture(scope="module")
def site(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Site]:
    from delaktig.accounts.models import User
    from delaktig.demo.region import load_demo_region

    with django_db_blocker.unblock(), transaction.atomic():
        load_demo_region()
        clients = {role: Client() for role in ROLES}
        for role, email in EMAILS.items():
            clients[role].force_login(User.objects.get(email=email))
        seeds = ["/" + r for r in ROUTES if not re.search(r"[<(^$]", r)] + _object_urls()
        started = time.monotonic(), time.process_time()
        crawler = Crawler(clients)
        routes = crawler.run(seeds)
        _mark_repeated_forms(routes)
        took = time.monotonic() - started[0], time.process_time() - started[1]
        yield Site(clients, routes, crawler.requests, took)
        transaction.set_rollback(True)


# --- The sweep ---------------------------------------------------------------------------


def _replace(pairs: list[tuple[str, str]], key: str, value: Value) -> list[tuple[str, str]]:
    kept = [(k, v) for k, v in pairs if k != key]
    return kept + [(key, v) for v in (value if isinstance(value, list) else [value])]


def _replace_all(
    pairs: list[tuple[str, str]], keys: list[str], value: Value
) -> list[tuple[str, str]]:
    for key in keys:
        pairs = _replace(pairs, key, value)
    return pairs


def _converter(route: str, kwarg: str) -> str:
    match = re.search(rf"<(\w+):{kwarg}>", route)
    if match:
        return match.group(1)
    return "str" if f"(?P<{kwarg}>" in route else ""


class Sweep:
    def __init__(self, site: Site, info: RouteInfo) -> None:
        self.site = site
        self.info = info
        self.failures = list(info.failures)

    def send(self, role: str, method: str, url: str, what: str, **kwargs: Any) -> Outcome:
        outcome = send(self.site.clients[role], method, url, **kwargs)
        self.site.requests[method] += 1
        if outcome.error is not None or outcome.status >= 500:
            self.failures.append(f"{method} {url[:100]} as {role}, {what}: {_describe(outcome)}")
        return outcome

    def query(self) -> None:
        """Each parameter the view reads itself in turn, the rest all at once."""
        info = self.info
        read = Reads()
        for reads in info.read.values():
            read.update(reads)
        groups: dict[str, list[str]] = {}
        for key in sorted(set(info.sent) | read.raw | read.form):
            role = _preferred_role(info, key)
            if role is None:
                continue
            groups.setdefault(role, []).append(key)
            self.site.parameters.add((info.route, "GET", key))
            if key not in read.raw:
                continue
            parts = urlsplit(info.pages[role])
            baseline = parse_qsl(parts.query, keep_blank_values=True)
            example = dict(baseline).get(key, info.sent.get(key))
            for kind, value in malformed_values(example).items():
                url = parts.path + "?" + urlencode(_replace(baseline, key, value))
                self.send(role, "GET", url, f"{key}={kind}")
        for role, keys in groups.items():
            parts = urlsplit(info.pages[role])
            baseline = parse_qsl(parts.query, keep_blank_values=True)
            together = [key for key in keys if key not in read.raw]
            for kind, value in MALFORMED_ALL.items():
                chosen = keys if kind == "nul" else together
                if chosen:
                    url = parts.path + "?" + urlencode(_replace_all(baseline, chosen, value))
                    self.send(role, "GET", url, f"{', '.join(chosen)}={kind}")

    def path(self) -> None:
        role = _preferred_role(self.info)
        if role is None:
            return
        path = urlsplit(self.info.pages[role]).path
        for kwarg, value in resolve(path).kwargs.items():
            self.site.parameters.add((self.info.route, "path", kwarg))
            for bad in MALFORMED_PATH.get(_converter(self.info.route, kwarg), []):
                url = path.replace(f"/{quote(str(value))}/", f"/{bad}/", 1)
                if url != path:
                    self.send(role, "GET", url, f"path {kwarg}")

    def form(self, submission: Submission) -> None:
        role, url, fields = submission.role, submission.url, submission.fields
        options = {"multipart": submission.multipart}
        shown = self.send(
            role, "POST", url, "the form as shown", data=fields, record=True, **options
        )
        if submission.htmx:
            what = "the form as shown, with htmx"
            self.send(role, "POST", url, what, data=fields, htmx=True, **options)
        examples = dict(fields)
        for key in sorted((shown.post.raw | shown.post.form) - set(examples)):
            examples[key] = ""  # read, though the page sends nothing (a box not ticked)
        examples.pop("csrfmiddlewaretoken", None)
        self.site.parameters.update((self.info.route, "POST", key) for key in examples)
        raw = [key for key in examples if key in shown.post.raw]
        together = [key for key in examples if key not in shown.post.raw]
        for key in raw:
            for kind, value in malformed_values(examples[key]).items():
                data = _replace(fields, key, value)
                self.send(role, "POST", url, f"{key}={kind}", data=data, **options)
        for key in [] if submission.reduced else together:
            if key in submission.numbers:
                for kind, value in FORM_NUMBER.items():
                    data = _replace(fields, key, value)
                    self.send(role, "POST", url, f"{key}={kind}", data=data, **options)
        for kind, value in MALFORMED_ALL.items():
            chosen = list(examples) if kind == "nul" else together
            if chosen and (kind == "nul" or not submission.reduced):
                data = _replace_all(fields, chosen, value)
                what = f"{', '.join(chosen)[:80]}={kind}"
                self.send(role, "POST", url, what, data=data, **options)


@pytest.mark.parametrize("route", ROUTES)
def test_malformed_parameters_never_fail(site: Site, route: str, db: None) -> None:
    started = time.monotonic(), time.process_time()
    sweep = Sweep(site, site.routes[route])
    sweep.query()
    sweep.path()
    for submission in site.routes[route].submissions.values():
        sweep.form(submission)
    site.seconds[0] += time.monotonic() - started[0]
    site.seconds[1] += time.process_time() - started[1]
    assert not sweep.failures, "\n".join(sweep.failures)


def test_the_crawl_reaches_every_route(site: Site, db: None) -> None:
    missing = [
        route for route, info in site.routes.items() if not info.pages and not info.submissions
    ]
    where = Counter(where for _route, where, _key in site.parameters)
    print(  # noqa: T201 - the figures for the report
        f"\n{len(ROUTES)} routes, {len(ROUTES) - len(missing)} reached; crawl: "
        f"{site.crawl_requests} requests in {site.crawl_seconds[0]:.1f} s "
        f"({site.crawl_seconds[1]:.1f} s processor); sweep: {dict(site.requests)} requests in "
        f"{site.seconds[0]:.1f} s ({site.seconds[1]:.1f} s processor) over {dict(where)} "
        f"parameters of {len({route for route, _where, _key in site.parameters})} routes"
    )
    assert not missing, "no page or form reaches:\n" + "\n".join(missing)
