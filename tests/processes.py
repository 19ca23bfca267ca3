"""Real Delaktig processes for the tests that prove what many of them share: gunicorn app
servers and task workers started as the operations guide starts them, on the test database.

The test database must hold committed data (``transactional_db``) for another process to see
it. On SQLite the test database is a file (``config/test.py``) that the processes open in WAL
mode like the test; on PostgreSQL they connect to the test database by name.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.cookiejar import CookieJar
from pathlib import Path
from typing import IO, Any
from urllib.error import HTTPError
from urllib.parse import quote, urlencode
from urllib.request import HTTPCookieProcessor, HTTPRedirectHandler, Request, build_opener

from django.db import connection

ROOT = Path(__file__).resolve().parents[1]


def free_port(ports: Iterable[int]) -> int:
    """The first port of ``ports`` nothing listens on. Each test file has its own range
    (9100-9199 two app servers, 9200-9299 backup and restore, 9300-9319 killed workers,
    9320-9359 shared servers): a server binds its port only after loading the app, and
    another file running at the same time must not find the same port free meanwhile."""
    for port in ports:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in the range")


def database_url() -> str:
    """The URL of the database the tests use now, for another process."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    user = quote(settings.get("USER") or "", safe="")
    password = quote(settings.get("PASSWORD") or "", safe="")
    login = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings.get("HOST") or "127.0.0.1"
    port = settings.get("PORT") or 5432
    return f"postgres://{login}{host}:{port}/{settings['NAME']}"


def environment(**extra: str) -> dict[str, str]:
    """The environment of a process: development settings (not the test settings, which run
    tasks in-process and keep a cache per process), the test database, and ``extra``."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "REDIS_URL", "EMAIL_", "DELAKTIG_", "TASKS_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="delaktig.config.settings",
        DATABASE_URL=database_url(),
        DELAKTIG_VAR_DIR=os.environ.get("DELAKTIG_VAR_DIR", str(ROOT / "var")),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


@dataclass
class Process:
    name: str
    popen: subprocess.Popen[bytes]
    log_path: Path
    log: IO[bytes] = field(repr=False)

    def output(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def kill(self) -> None:
        """SIGKILL: no clean-up of any kind, as the out-of-memory killer does it."""
        self.popen.send_signal(signal.SIGKILL)
        self.popen.wait(timeout=30)

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()
        self.log.close()


def start(name: str, args: list[str], env: dict[str, str], log_dir: Path) -> Process:
    log_path = log_dir / f"{name}.log"
    log = log_path.open("wb")
    popen = subprocess.Popen(  # noqa: S603 (our own interpreter and arguments)
        [sys.executable, *args], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    return Process(name, popen, log_path, log)


def wait_for(condition: Callable[[], object], what: str, timeout: float = 90) -> None:
    """Poll until ``condition`` is true; fail with ``what`` when it never is."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def start_worker(name: str, env: dict[str, str], log_dir: Path) -> Process:
    """``manage.py worker`` as the operations guide runs it, named ``name`` in task records."""
    args = ["manage.py", "worker", "--queue-name", "default", "--interval", "0.1"]
    args += ["--no-reload", "--no-startup-delay", "--worker-id", name]
    return start(name, args, env, log_dir)


def worker_ready(worker: Process) -> bool:
    if worker.popen.poll() is not None:
        raise AssertionError(f"{worker.name} exited:\n{worker.output()}")
    return "Starting worker" in worker.output()


def start_gunicorn(name: str, port: int, env: dict[str, str], log_dir: Path) -> Process:
    """One app server: gunicorn with one worker process, as in the operations guide."""
    args = ["-m", "gunicorn", "delaktig.config.wsgi", "--chdir", str(ROOT / "src")]
    args += ["--bind", f"127.0.0.1:{port}", "--workers", "1", "--timeout", "60", "--preload"]
    return start(name, args, env, log_dir)


class NoRedirects(HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    text: str


class Browser:
    """A client with one cookie jar that may talk to any of the servers, as a browser
    behind a load balancer does: every request carries the same ``Host`` (the site's name,
    whichever server's port it goes to). Redirects are returned, not followed."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        self.cookies = CookieJar()
        self.opener = build_opener(HTTPCookieProcessor(self.cookies), NoRedirects())

    def request(self, url: str, data: dict[str, str] | None = None) -> Response:
        body = urlencode(data).encode() if data is not None else None
        headers = {"Host": self.host, "Referer": url}
        request = Request(url, data=body, headers=headers)  # noqa: S310 (http only)
        try:
            with self.opener.open(request, timeout=60) as answer:
                return Response(answer.status, dict(answer.headers), answer.read().decode())
        except HTTPError as error:
            return Response(error.code, dict(error.headers), error.read().decode())

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.cookies if c.name == name), None)


def server_ready(server: Process, base: str) -> bool:
    if server.popen.poll() is not None:
        raise AssertionError(f"{server.name} exited:\n{server.output()}")
    try:
        with socket.create_connection(("127.0.0.1", int(base.rsplit(":", 1)[1])), timeout=1):
            pass
    except OSError:
        return False
    return Browser().request(f"{base}/konto/login/").status == 200
