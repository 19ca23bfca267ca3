"""The gunicorn app server the benchmarks measure through: ``bench.wsgi`` on loopback with
four workers of two threads each, the benchmark's own settings in its environment."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def start_gunicorn(port: int, *options: str, **environment: str) -> subprocess.Popen[bytes]:
    """gunicorn started on ``127.0.0.1:<port>``, with gunicorn's ``options`` and the variables
    of ``environment`` added; the caller waits until it answers."""
    command = [sys.executable, "-m", "gunicorn", "bench.wsgi", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", "4", "--threads", "2", "--log-level", "warning", "--preload"]
    command += options
    env = {**os.environ, "PYTHONPATH": f"{ROOT / 'src'}:{ROOT}", **environment}
    return subprocess.Popen(command, cwd=ROOT, env=env)
