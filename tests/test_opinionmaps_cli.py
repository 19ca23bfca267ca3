import json
from pathlib import Path

import pytest

from delaktig.opinionmaps.__main__ import main

DATA = Path(__file__).parent / "data" / "polis"


def test_analyze_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analyze", str(DATA / "brexit-consensus"), "--json", "--seed", "3"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {"groups", "repness", "consensus", "seconds"} <= set(data)
    assert len(data["groups"]) == len(data["repness"]) >= 2
    assert all(isinstance(p, int) for group in data["groups"] for p in group)
    for group in data["repness"]:
        assert group
        assert all(r["direction"] in ("agree", "disagree") for r in group)
        assert all(isinstance(r["statement"], int) for r in group)
    assert all(isinstance(s, int) for s in data["consensus"])
    assert data["seconds"] > 0


def test_not_a_polis_export(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analyze", str(tmp_path), "--json"]) == 2
    assert "not a Polis export" in capsys.readouterr().err


def test_the_documented_command_runs_from_anywhere(tmp_path: Path) -> None:
    """`python -m delaktig.opinionmaps analyze DIR --json` works because the project is
    installed as a package, not because a test put src/ on the path."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "DJANGO_SETTINGS_MODULE")}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "delaktig.opinionmaps",
            "analyze",
            str(DATA / "brexit-consensus"),
            "--json",
            "--seed",
            "1",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)["groups"]) >= 2
