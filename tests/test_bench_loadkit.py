"""The load test's client side (bench/loadkit.py): forms filled as a browser without JavaScript
fills them, what a failed connection means for a write, and the exactly-once check itself."""

import socket
import threading
from collections.abc import Iterator

import pytest
from bench.loadkit import (
    ACCEPTED,
    REJECTED,
    UNKNOWN,
    Balancer,
    Browser,
    Ledger,
    Reply,
    find_form,
    local_path,
    outcome_of,
    percentile,
    send_once,
    verify,
)

PAGE = """
<form method="get" action="/sok/"><input name="q"></form>
<form method="post" action="/m/survey/10/?steg=2" class="form" novalidate>
  <input type="hidden" name="csrfmiddlewaretoken" value="tok">
  <input type="radio" name="q4" value="7"><input type="radio" name="q4" value="8" checked>
  <input type="radio" name="q9" value="1"><input type="radio" name="q9" value="2">
  <input type="checkbox" name="q5" value="11"><input type="checkbox" name="q5" value="12">
  <input type="checkbox" name="accept_rules">
  <input type="text" name="q3" inputmode="decimal">
  <textarea name="q6">
</textarea>
  <textarea name="kept">
Redan skrivet</textarea>
  <select name="municipality"><option value="">Vill inte uppge</option>
    <option value="5" selected>Krokom</option></select>
  <select name="age"><option>0–17</option><option>18–29</option></select>
  <button type="submit" name="action" value="next">Nästa</button>
  <button type="submit" name="action" value="save">Spara</button>
</form>
"""


def test_a_form_is_filled_as_a_browser_without_javascript_sends_it() -> None:
    form = find_form(PAGE, "/m/survey/10/")
    assert form is not None and form.method == "post"
    assert find_form(PAGE, "/m/survey/11/") is None
    assert find_form(PAGE, "/sok/") is None  # a GET form is not a write

    sent = form.fill(text="Lasttest", check_first=True, button=("action", "next"))

    assert sent == [
        ("csrfmiddlewaretoken", "tok"),
        ("q4", "8"),  # the choice already made is kept
        ("q9", "1"),  # else the first
        ("q5", "11"),
        ("q3", "3"),  # a number typed as text (inputmode)
        ("q6", "Lasttest"),  # the newline after <textarea> is not part of the value
        ("kept", "Redan skrivet"),
        ("municipality", "5"),
        ("age", "0–17"),  # an option without a value sends its text
        ("action", "next"),
    ]


def test_fill_ticks_named_boxes_and_takes_given_values() -> None:
    form = find_form(PAGE, "/m/survey/10/")
    assert form is not None

    sent = dict(form.fill(values={"q6": "Egen text"}, check=["accept_rules"]))

    assert sent["accept_rules"] == "on"  # a box without a value sends "on"
    assert sent["q6"] == "Egen text"
    assert "q5" not in sent and "action" not in sent


def test_cookies_are_kept_and_deleted_as_the_server_says() -> None:
    browser = Browser(Balancer([1]), "127.0.0.1", {"sessionid": "abc"})
    browser.take_cookies(["csrftoken=xyz; Path=/; SameSite=Lax", 'messages=""; Max-Age=0; Path=/'])
    browser.take_cookies(["sessionid=; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0"])

    assert browser.cookies == {"csrftoken": "xyz"}
    browser.cookies["a"] = "1"
    assert browser.headers()["Cookie"] == "csrftoken=xyz; a=1"


def test_the_balancer_takes_turns_and_skips_a_server_that_refused() -> None:
    balancer = Balancer([1, 2], hold=60)
    assert [balancer.pick() for _ in range(4)] == [0, 1, 0, 1]

    balancer.mark_down(1)

    assert [balancer.pick() for _ in range(3)] == [0, 0, 0]
    assert balancer.pick(avoid=0) == 1  # all others down: still tried


def test_a_write_is_accepted_refused_or_of_unknown_outcome() -> None:
    assert outcome_of(Reply(status=302)) == ACCEPTED
    assert outcome_of(Reply(status=200)) == ACCEPTED
    assert outcome_of(Reply(status=409)) == REJECTED
    assert outcome_of(Reply(status=500)) == REJECTED
    assert outcome_of(Reply(error="refused")) == REJECTED  # nothing was sent
    assert outcome_of(Reply(error="broken")) == UNKNOWN
    assert outcome_of(Reply(error="timeout")) == UNKNOWN


@pytest.fixture
def hangs_up() -> Iterator[int]:
    """A server that reads a request and closes the connection without answering."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()

    def serve() -> None:
        while True:
            try:
                conn, _addr = listener.accept()
            except OSError:
                return
            conn.recv(65536)
            conn.close()

    threading.Thread(target=serve, daemon=True).start()
    yield listener.getsockname()[1]
    listener.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_refused_connection_and_a_broken_one_are_told_apart(hangs_up: int) -> None:
    refused = send_once(free_port(), "POST", "/", {"Host": "x"}, "a=1", timeout=5)
    broken = send_once(hangs_up, "POST", "/", {"Host": "x"}, "a=1", timeout=5)

    assert refused.error == "refused"
    assert broken.error == "broken"


def test_a_post_whose_outcome_is_unknown_is_not_sent_again(hangs_up: int) -> None:
    browser = Browser(Balancer([hangs_up, free_port()]), "x")

    post = browser.post("/stod/", [("a", "1")])
    get = browser.get("/")

    assert post.error == "broken" and post.server == 0 and not post.first_error
    # The GET's turn is the other server, which refuses: it is sent again to the first.
    assert get.first_error == "refused" and get.server == 0 and get.error == "broken"
    # A GET that broke after sending is sent again too (reads are safe to repeat).
    again = browser.get("/")
    assert again.first_error == "broken" and again.server == 1 and again.error == "refused"


def test_a_post_refused_by_one_server_goes_to_the_other(hangs_up: int) -> None:
    browser = Browser(Balancer([free_port(), hangs_up]), "x")

    post = browser.post("/stod/", [("a", "1")])

    assert post.first_error == "refused" and post.server == 1 and post.error == "broken"


def test_the_ledger_keeps_the_strongest_outcome_of_a_key() -> None:
    ledger = Ledger()
    ledger.record("vote", (1, 2), UNKNOWN)
    ledger.record("vote", (1, 2), ACCEPTED)
    ledger.record("vote", (1, 2), REJECTED)
    ledger.record("vote", (1, 3), REJECTED)

    assert ledger.book("vote") == {(1, 2): ACCEPTED, (1, 3): REJECTED}
    assert ledger.book("comment") == {}


def test_verify_passes_when_every_write_is_stored_as_its_outcome_allows() -> None:
    sent = {"a": ACCEPTED, "b": UNKNOWN, "c": UNKNOWN, "d": REJECTED}

    result = verify(sent, {"a": 1, "b": 1})

    assert result["exact"] is True
    assert (result["accepted"], result["unknown"], result["unknown_stored"]) == (1, 2, 1)
    assert result["stored"] == 2


@pytest.mark.parametrize(
    ("stored", "fault"),
    [
        ({}, "missing"),  # an accepted write lost
        ({"a": 2}, "duplicated"),  # stored twice
        ({"a": 1, "b": 2}, "duplicated"),  # an unknown outcome stored twice
        ({"a": 1, "d": 1}, "stored_though_rejected"),
        ({"a": 1, "z": 1}, "stored_never_sent"),
    ],
)
def test_verify_finds_each_kind_of_fault(stored: dict[object, int], fault: str) -> None:
    sent = {"a": ACCEPTED, "b": UNKNOWN, "d": REJECTED}

    result = verify(sent, stored)

    assert result["exact"] is False
    assert result[fault] == 1


def test_percentile_is_the_nearest_rank() -> None:
    values = [float(n) for n in range(10, 0, -1)]
    assert percentile(values, 0.5) == 5.0
    assert percentile(values, 0.95) == 10.0
    assert percentile([], 0.5) == 0.0


def test_local_path_of_a_redirect() -> None:
    assert local_path("/forslag/12/") == "/forslag/12/"
    assert local_path("http://127.0.0.1:9501/m/survey/10/?steg=2") == "/m/survey/10/?steg=2"
