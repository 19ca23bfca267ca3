"""Run import-linter with the house's layers, placing discovered module apps in theirs.

The layers contract in ``pyproject.toml`` names the platform's own apps. A participation
module added as a new package under ``src/delaktig/`` (installed by discovery, see
``config/settings.py``) belongs in the layer of the participation methods, beside discussions
and surveys, so that it may import the spine and the apps below it and no other method. This
script writes that contract to a temporary file and runs ``lint-imports`` on it; nothing outside
the new app has to be edited for the check to cover it.
"""

import sys
import tempfile
import tomllib
from pathlib import Path

from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "delaktig"
METHODS_LAYER_MEMBER = "discussions"  # the layer holding the participation methods


def layered_names(layers: list[str]) -> set[str]:
    return {name.strip() for layer in layers for name in layer.split("|")}


def contract_config() -> str:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    linter = config["tool"]["importlinter"]
    apps = sorted(path.parent.name for path in PACKAGE.glob("*/apps.py"))
    lines = ["[tool.importlinter]", f'root_package = "{linter["root_package"]}"', ""]
    for contract in linter["contracts"]:
        contract = dict(contract)
        if contract.get("type") == "layers":
            layers = list(contract["layers"])
            new = [app for app in apps if app not in layered_names(layers)]
            for index, layer in enumerate(layers):
                names = [name.strip() for name in layer.split("|")]
                if METHODS_LAYER_MEMBER in names and new:
                    layers[index] = " | ".join(names + new)
            contract["layers"] = layers
        lines.append("[[tool.importlinter.contracts]]")
        for key, value in contract.items():
            lines.append(f"{key} = {_toml(value)}")
        lines.append("")
    return "\n".join(lines)


def _toml(value: object) -> str:
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml(item) for item in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def main() -> int:
    with tempfile.NamedTemporaryFile("w", suffix=".toml", delete=False) as config:
        config.write(contract_config())
    try:
        return lint_imports(config_filename=config.name, no_cache=True)
    finally:
        Path(config.name).unlink()


if __name__ == "__main__":
    sys.exit(main())
