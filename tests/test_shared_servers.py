"""Two app servers, one installation: what one process learns, the others know.

Two real gunicorn servers (one worker process each, as behind a load balancer) share the test
database and a Redis database of their own (``DELAKTIG_TEST_REDIS_URL``, by default
``redis://127.0.0.1:6379/11``, emptied before each test). A browser logs in on one and is
logged in on the other; failed logins on both add up to allauth's login throttle; the
open-data API's limit (``core/ratelimit.py``) counts reads on both. With the local-memory
cache each server would count on its own: the throttle would let a sixth guess through and
the API twelve reads (production refuses to start without ``REDIS_URL``).
"""

import os
import re
from collections.abc import Iterator

import pytest
import redis
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.contrib.sessions.models import Session

from delaktig.accounts.models import User
from tests import processes
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

REDIS_URL = os.environ.get("DELAKTIG_TEST_REDIS_URL", "redis://127.0.0.1:6379/11")
PORTS = range(9320, 9360)
PASSWORD = "ett-langt-losenord-9"
API_RATE = 6


@pytest.fixture(scope="module")
def servers(django_db_setup: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[str]]:
    """The base URLs of two app servers sharing the test database and one Redis database."""
    env = processes.environment(
        REDIS_URL=REDIS_URL,
        DELAKTIG_API_RATE=str(API_RATE),
        # Tasks are stored for a worker (none runs here); nothing is served from a page cache.
        DELAKTIG_PAGE_CACHE_SECONDS="0",
    )
    log_dir = tmp_path_factory.mktemp("servers")
    first = processes.free_port(PORTS)
    second = processes.free_port(range(first + 1, PORTS.stop))
    started = [
        processes.start_gunicorn(f"app-{n}", port, env, log_dir)
        for n, port in enumerate((first, second), start=1)
    ]
    urls = [f"http://127.0.0.1:{port}" for port in (first, second)]
    try:
        for server, url in zip(started, urls, strict=True):
            processes.wait_for(lambda s=server, u=url: processes.server_ready(s, u), server.name)
        yield urls
    finally:
        for server in started:
            server.stop()


@pytest.fixture(autouse=True)
def shared_cache() -> Iterator[redis.Redis]:
    """The servers' Redis database, empty: no test inherits another's counts."""
    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()
    yield client
    client.close()


def resident(email: str) -> None:
    """A resident with a verified address (the factory's), whose password the servers can
    check (the test settings hash with MD5, which the servers do not accept; few rounds keep
    it quick)."""
    user = UserFactory(email=email)
    assert EmailAddress.objects.filter(user=user, email=email, verified=True).exists()
    hashed = PBKDF2PasswordHasher().encode(PASSWORD, "delaktigsalt", iterations=1000)
    User.objects.filter(pk=user.pk).update(password=hashed)


def csrf_token(browser: processes.Browser, url: str) -> str:
    page = browser.request(url)
    assert page.status == 200, page.status
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert match, "no CSRF token in the form"
    return match[1]


def log_in(browser: processes.Browser, base: str, email: str, password: str) -> bool:
    """Log in through the form; whether the server took it (a redirect and a session)."""
    token = csrf_token(browser, f"{base}/konto/login/")
    form = {"csrfmiddlewaretoken": token, "login": email, "password": password}
    answer = browser.request(f"{base}/konto/login/", form)
    return answer.status == 302 and browser.cookie("sessionid") is not None


def test_a_session_made_on_one_server_works_on_the_other(
    servers: list[str], shared_cache: redis.Redis
) -> None:
    resident("kim@example.se")
    browser = processes.Browser()
    assert log_in(browser, servers[0], "kim@example.se", PASSWORD)
    # Read from Redis (cached_db), and written through to the database.
    session = browser.cookie("sessionid")
    assert shared_cache.keys(f"*cached_db*{session}"), shared_cache.keys("*")
    assert Session.objects.filter(session_key=session).exists()
    assert browser.request(f"{servers[1]}/mitt-konto/").status == 200
    assert processes.Browser().request(f"{servers[1]}/mitt-konto/").status == 302  # anonymous

    # Logged out on the second server, the session is gone on the first too.
    token = csrf_token(browser, f"{servers[1]}/konto/logout/")
    assert browser.request(f"{servers[1]}/konto/logout/", {"csrfmiddlewaretoken": token}).status
    assert browser.request(f"{servers[0]}/mitt-konto/").status == 302
    assert not shared_cache.keys(f"*{session}") and not Session.objects.filter(pk=session).exists()


def test_failed_logins_on_one_server_count_on_the_other(
    servers: list[str], shared_cache: redis.Redis
) -> None:
    """allauth allows five failed logins per account and client in five minutes. Three on one
    server and two on the other use them up: the right password is then refused on both."""
    resident("alex@example.se")
    attacker = processes.Browser()
    for n in range(5):
        assert not log_in(attacker, servers[n % 2], "alex@example.se", "fel-losenord")
    assert shared_cache.dbsize() > 0  # the counts are in Redis
    assert not log_in(attacker, servers[1], "alex@example.se", PASSWORD)
    assert not log_in(processes.Browser(), servers[0], "alex@example.se", PASSWORD)


def test_the_api_limit_counts_reads_on_both_servers(servers: list[str]) -> None:
    answers = [
        processes.Browser().request(f"{servers[n % 2]}/api/v1/processes/")
        for n in range(API_RATE + 1)
    ]
    assert [a.status for a in answers] == [200] * API_RATE + [429]
    assert int(answers[-1].headers["Retry-After"]) > 0
