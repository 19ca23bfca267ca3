"""Start the real OpenID Connect provider (``provider.mjs``) for a test, and stop it after."""

import json
import os
import select
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).with_name("provider.mjs")
PNR_CLAIM = "https://id.oidc.se/claim/personalIdentityNumber"
SCOPE = ["openid", "profile", "https://id.oidc.se/scope/naturalPersonNumber"]


@dataclass(frozen=True)
class Broker:
    issuer: str
    client_id: str
    secret: str
    scope: tuple[str, ...] = tuple(SCOPE)

    @property
    def discovery_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    def providers_setting(self) -> dict[str, Any]:
        """SOCIALACCOUNT_PROVIDERS for Delaktig pointing at this broker (oidc-sweden preset)."""
        return {
            "openid_connect": {
                "OAUTH_PKCE_ENABLED": True,
                "APPS": [
                    {
                        "provider_id": "eid",
                        "name": "E-legitimation",
                        "client_id": self.client_id,
                        "secret": self.secret,
                        "settings": {
                            "server_url": self.issuer,
                            "token_auth_method": "client_secret_post",
                            "scope": list(self.scope),
                        },
                    }
                ],
            }
        }


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_broker(
    *,
    redirect_uris: list[str],
    accounts: dict[str, dict[str, Any]],
    claims: dict[str, list[str]] | None = None,
) -> Iterator[Broker]:
    """Run the provider with one client (``delaktig``) and the given accounts (login → claims).

    ``claims`` maps each scope to the claims it releases (default: the oidc-sweden profile).
    """
    secret = "test-secret-" + os.urandom(8).hex()
    with tempfile.TemporaryDirectory() as folder:
        config = Path(folder) / "config.json"
        last_error = ""
        for _attempt in range(3):  # a port taken between choosing and listening: try another
            port = _free_port()
            config.write_text(
                json.dumps(
                    {
                        "port": port,
                        "clients": [
                            {
                                "client_id": "delaktig",
                                "client_secret": secret,
                                "redirect_uris": redirect_uris,
                                "token_endpoint_auth_method": "client_secret_post",
                                "grant_types": ["authorization_code"],
                                "response_types": ["code"],
                            }
                        ],
                        "accounts": accounts,
                        **({"claims": claims} if claims else {}),
                    }
                )
            )
            process = subprocess.Popen(
                [shutil.which("node") or "node", str(SCRIPT), str(config)],  # noqa: S607
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            assert process.stdout is not None
            deadline = time.monotonic() + 60  # generous: the machine may be busy
            line = ""
            while time.monotonic() < deadline and process.poll() is None:
                ready, _, _ = select.select([process.stdout], [], [], 0.5)
                if ready:
                    line = process.stdout.readline()
                    if line.startswith("READY "):
                        break
            if line.startswith("READY "):
                try:
                    scope = tuple(claims) if claims else tuple(SCOPE)
                    yield Broker(
                        issuer=line.split()[1], client_id="delaktig", secret=secret, scope=scope
                    )
                finally:
                    process.terminate()
                    process.wait(timeout=30)
                return
            process.kill()
            last_error = process.stderr.read() if process.stderr else ""
        raise RuntimeError(f"the OpenID Connect provider did not start: {last_error}")
