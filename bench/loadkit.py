"""The load test's client side, without Django: HTTP through a round-robin balancer, cookies,
HTML forms filled as a browser without JavaScript would, latency figures and the ledger of
writes that is checked against the database afterwards (``bench/load.py``).

Every request goes on a new connection, as nginx talks to its upstreams by default, so that
the fate of each request is plain: a refused connection sent nothing and is tried on the other
server; a connection that breaks after the request was sent leaves its outcome unknown, and a
write with an unknown outcome is never sent again.
"""

import http.client
import itertools
import math
import threading
import time
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import CookieError, SimpleCookie
from urllib.parse import urlencode, urljoin, urlsplit

# --- HTTP ------------------------------------------------------------------------------------


@dataclass
class Reply:
    """One request's end: an HTTP status, or ``error`` (``refused``: nothing was sent;
    ``broken``: the connection failed after sending; ``timeout``)."""

    status: int = 0
    location: str = ""
    body: bytes = b""
    cookies: list[str] = field(default_factory=list)
    error: str = ""
    server: int = -1
    seconds: float = 0.0
    # What the first try met when the request was sent again on the other server.
    first_error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error and 200 <= self.status < 400

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class Balancer:
    """Round robin over the app servers, as a load balancer would, with a passive health
    check: a server that refused a connection is skipped for ``hold`` seconds."""

    def __init__(self, ports: list[int], hold: float = 1.0) -> None:
        self.ports = ports
        self.hold = hold
        self._down_until = [0.0] * len(ports)
        self._turn = itertools.count()
        self._lock = threading.Lock()

    def pick(self, avoid: int = -1) -> int:
        with self._lock:
            now = time.monotonic()
            start = next(self._turn)
            order = [(start + k) % len(self.ports) for k in range(len(self.ports))]
            for index in order:
                if index != avoid and self._down_until[index] <= now:
                    return index
            return next(i for i in order if i != avoid) if len(self.ports) > 1 else 0

    def mark_down(self, index: int) -> None:
        with self._lock:
            self._down_until[index] = time.monotonic() + self.hold


def send_once(
    port: int,
    method: str,
    path: str,
    headers: Mapping[str, str],
    body: str | None = None,
    timeout: float = 60.0,
) -> Reply:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    start = time.perf_counter()
    try:
        try:
            conn.connect()
        except ConnectionRefusedError:
            return Reply(error="refused", seconds=time.perf_counter() - start)
        except TimeoutError:
            return Reply(error="refused", seconds=time.perf_counter() - start)
        try:
            conn.request(method, path, body=body, headers=dict(headers))
            response = conn.getresponse()
            data = response.read()
        except TimeoutError:
            return Reply(error="timeout", seconds=time.perf_counter() - start)
        except (OSError, http.client.HTTPException):
            return Reply(error="broken", seconds=time.perf_counter() - start)
        return Reply(
            status=response.status,
            location=response.getheader("Location", ""),
            body=data,
            cookies=response.msg.get_all("Set-Cookie") or [],
            seconds=time.perf_counter() - start,
        )
    finally:
        conn.close()


class Browser:
    """One visitor: a cookie jar, requests through the balancer. GETs are tried again on the
    other server after any connection failure; a POST only when its connection was refused
    (nothing was sent), never when its outcome is unknown."""

    def __init__(self, balancer: Balancer, host: str, cookies: dict[str, str] | None = None):
        self.balancer = balancer
        self.host = host
        self.cookies: dict[str, str] = dict(cookies or {})

    def headers(self, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        headers = {"Host": self.host, "Accept-Language": "sv", "User-Agent": "delaktig-load"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        headers.update(extra or {})
        return headers

    def take_cookies(self, lines: Iterable[str]) -> None:
        for line in lines:
            jar: SimpleCookie = SimpleCookie()
            try:
                jar.load(line)
            except CookieError:
                continue
            for name, morsel in jar.items():
                if morsel["max-age"] == "0" or "1970" in morsel["expires"]:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value

    def request(self, method: str, path: str, data: list[tuple[str, str]] | None = None) -> Reply:
        body = urlencode(data) if data is not None else None
        extra = {"Content-Type": "application/x-www-form-urlencoded"} if body is not None else {}
        first = self.balancer.pick()
        reply = send_once(self.balancer.ports[first], method, path, self.headers(extra), body)
        reply.server = first
        may_retry = reply.error == "refused" or (method == "GET" and reply.error)
        if reply.error == "refused":
            self.balancer.mark_down(first)
        if may_retry:
            other = self.balancer.pick(avoid=first)
            again = send_once(self.balancer.ports[other], method, path, self.headers(extra), body)
            again.server, again.first_error = other, reply.error
            again.seconds += reply.seconds
            if again.error == "refused":
                self.balancer.mark_down(other)
            reply = again
        if not reply.error:
            self.take_cookies(reply.cookies)
        return reply

    def get(self, path: str) -> Reply:
        return self.request("GET", path)

    def post(self, path: str, data: list[tuple[str, str]]) -> Reply:
        return self.request("POST", path, data)


def local_path(location: str) -> str:
    """The path and query of a redirect's Location (absolute or not)."""
    parts = urlsplit(urljoin("http://x/", location))
    return parts.path + (f"?{parts.query}" if parts.query else "")


# --- Forms -----------------------------------------------------------------------------------


@dataclass
class Control:
    tag: str  # input, select, textarea, button
    kind: str  # the input's type ("text", "radio" …), "select", "textarea", "submit"
    name: str
    value: str = ""
    checked: bool = False
    options: list[tuple[str, bool]] = field(default_factory=list)  # select: (value, selected)


@dataclass
class Form:
    action: str
    method: str
    controls: list[Control] = field(default_factory=list)

    def fields(self, kind: str) -> list[Control]:
        return [c for c in self.controls if c.kind == kind and c.name]

    def has(self, name: str) -> bool:
        return any(c.name == name for c in self.controls)

    def fill(
        self,
        *,
        text: str = "",
        number: str = "3",
        values: Mapping[str, str] | None = None,
        button: tuple[str, str] | None = None,
        check_first: bool = False,
        check: Iterable[str] = (),
    ) -> list[tuple[str, str]]:
        """What a person without JavaScript sends: hidden fields as they are, text boxes with
        ``text``, the first choice of each radio group (and of each group of two or more
        checkboxes when ``check_first``), boxes already ticked and those named in ``check``
        (a lone box is a consent: ticked only when named), the selected
        option of each list, ``values`` over all of it, and ``button`` pressed."""
        values = values or {}
        ticked = set(check)
        data: list[tuple[str, str]] = []
        radios_done: set[str] = set()
        boxes_done: set[str] = set()
        radios = {c.name for c in self.fields("radio") if c.checked}
        boxes = Counter(c.name for c in self.fields("checkbox"))
        for c in self.controls:
            if not c.name or c.tag == "button" or c.kind in ("submit", "image", "reset"):
                continue
            if c.name in values:
                if c.name not in {n for n, _v in data}:
                    data.append((c.name, values[c.name]))
                continue
            if c.kind == "radio":
                if c.name in radios_done:
                    continue
                if c.checked or c.name not in radios:
                    data.append((c.name, c.value))
                    radios_done.add(c.name)
            elif c.kind == "checkbox":
                first = check_first and boxes[c.name] > 1 and c.name not in boxes_done
                if c.checked or c.name in ticked or first:
                    data.append((c.name, c.value))
                    boxes_done.add(c.name)
            elif c.kind == "select":
                chosen = [v for v, selected in c.options if selected] or [
                    v for v, _s in c.options[:1]
                ]
                data.extend((c.name, v) for v in chosen)
            elif c.kind == "number":
                data.append((c.name, c.value or number))
            elif c.kind in ("text", "textarea", "search", "email"):
                data.append((c.name, c.value or text))
            else:  # hidden and the rest
                data.append((c.name, c.value))
        if button is not None:
            data.append(button)
        return data


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Control | None = None
        self._option: tuple[str, bool] | None = None
        self._option_text = ""
        self._textarea: Control | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        has = {k for k, _v in attrs}
        if tag == "form":
            self._form = Form(action=a.get("action", ""), method=a.get("method", "get").lower())
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind == "text" and a.get("inputmode") in ("numeric", "decimal"):
                kind = "number"  # a number typed as text, as the GOV.UK pattern has it
            # A box without a value sends "on", as browsers do.
            value = (
                a["value"] if "value" in has else ("on" if kind in ("radio", "checkbox") else "")
            )
            self._form.controls.append(
                Control("input", kind, a.get("name", ""), value, "checked" in has)
            )
        elif tag == "button":
            self._form.controls.append(
                Control(
                    "button", a.get("type", "submit").lower(), a.get("name", ""), a.get("value", "")
                )
            )
        elif tag == "textarea":
            self._textarea = Control("textarea", "textarea", a.get("name", ""))
            self._form.controls.append(self._textarea)
        elif tag == "select":
            self._select = Control("select", "select", a.get("name", ""))
            self._form.controls.append(self._select)
        elif tag == "option" and self._select is not None:
            self._close_option()
            self._option = (a["value"] if "value" in has else "\0", "selected" in has)
            self._option_text = ""

    def _close_option(self) -> None:
        if self._option is not None and self._select is not None:
            value, selected = self._option
            self._select.options.append(
                (self._option_text.strip() if value == "\0" else value, selected)
            )
        self._option = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.value += data
        if self._option is not None:
            self._option_text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            if self._textarea is not None and self._textarea.value.startswith("\n"):
                # Browsers drop the newline that follows <textarea>.
                self._textarea.value = self._textarea.value[1:]
            self._textarea = None
        elif tag == "option":
            self._close_option()
        elif tag == "select":
            self._close_option()
            self._select = None


def parse_forms(html: str) -> list[Form]:
    parser = _FormParser()
    parser.feed(html)
    parser.close()
    return parser.forms


def find_form(html: str, action_contains: str, method: str = "post") -> Form | None:
    """The first form on the page that posts to an address containing ``action_contains``."""
    for form in parse_forms(html):
        if form.method == method and action_contains in form.action:
            return form
    return None


# --- Figures ---------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (``share`` 0.5 for the median); 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


# --- The ledger of writes --------------------------------------------------------------------

ACCEPTED, REJECTED, UNKNOWN = "accepted", "rejected", "unknown"


def outcome_of(reply: Reply) -> str:
    """A write's outcome as the client knows it: accepted (2xx or 3xx), rejected (an HTTP
    answer refusing it), or unknown (the connection failed after the request was sent)."""
    if reply.error:
        return REJECTED if reply.error == "refused" else UNKNOWN
    return ACCEPTED if 200 <= reply.status < 400 else REJECTED


class Ledger:
    """Each write the clients sent, by a key that finds it in the database afterwards (a
    comment's token, a (person, proposal) pair …), with its outcome. A key sent more than once
    keeps its strongest outcome: accepted over unknown over rejected."""

    RANK = {REJECTED: 0, UNKNOWN: 1, ACCEPTED: 2}

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.kinds: dict[str, dict[object, str]] = {}

    def record(self, kind: str, key: object, outcome: str) -> None:
        with self._lock:
            book = self.kinds.setdefault(kind, {})
            if key not in book or self.RANK[outcome] > self.RANK[book[key]]:
                book[key] = outcome

    def book(self, kind: str) -> dict[object, str]:
        return dict(self.kinds.get(kind, {}))


def verify(sent: Mapping[object, str], stored: Mapping[object, int]) -> dict[str, object]:
    """Check writes against what the database holds (``stored``: rows per key, any key the
    clients could have written). Exactly once for accepted writes, at most once for unknown
    ones, never for rejected ones, and nothing stored that no client sent."""
    counts = Counter(sent.values())
    missing = [k for k, o in sent.items() if o == ACCEPTED and stored.get(k, 0) == 0]
    duplicated = [k for k, n in stored.items() if n > 1]
    stored_rejected = [k for k, o in sent.items() if o == REJECTED and stored.get(k, 0) > 0]
    unsent = [k for k, n in stored.items() if n > 0 and k not in sent]
    unknown_stored = sum(1 for k, o in sent.items() if o == UNKNOWN and stored.get(k, 0) == 1)
    return {
        "accepted": counts[ACCEPTED],
        "rejected": counts[REJECTED],
        "unknown": counts[UNKNOWN],
        "unknown_stored": unknown_stored,
        "stored": sum(stored.values()),
        "missing": len(missing),
        "duplicated": len(duplicated),
        "stored_though_rejected": len(stored_rejected),
        "stored_never_sent": len(unsent),
        "examples": [repr(k) for k in (missing + duplicated + stored_rejected + unsent)[:5]],
        "exact": not (missing or duplicated or stored_rejected or unsent),
    }
