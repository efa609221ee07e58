"""The layer contract of pyproject.toml ([tool.importlinter]) holds: lib ← core ← transfer ← people ←
the areas ← the demo county, and no area imports another. A wrong import fails the build here."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


LINT_IMPORTS = str(Path(sys.executable).parent / "lint-imports")  # import-linter's command, in the venv


def _lint(root: Path) -> subprocess.CompletedProcess:
    # PYTHONPATH makes the tree under `root` the one analysed, whatever is installed.
    return subprocess.run([LINT_IMPORTS, "--no-cache"], cwd=root, capture_output=True, text=True, timeout=300,
                          env={"PYTHONPATH": str(root), "PATH": str(Path(sys.executable).parent)})


def test_the_layer_contract_is_kept():
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_the_contract_catches_core_importing_an_area(tmp_path):
    # The same contract against a copy of the tree in which core imports rights: it must break.
    import shutil

    copy = tmp_path / "tree"
    shutil.copytree(ROOT / "banbiantian", copy / "banbiantian", ignore=shutil.ignore_patterns("static", "__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    with open(copy / "banbiantian" / "core" / "selectors.py", "a") as fh:
        fh.write("\nfrom banbiantian.rights import models as _rights  # noqa\n")
    result = _lint(copy)
    assert result.returncode != 0
    assert "banbiantian.core is not allowed to import banbiantian.rights" in result.stdout


def test_every_declared_area_is_in_the_areas_layer():
    # An area left out of the contract could import any other area unnoticed.
    import tomllib

    from banbiantian.core import areas

    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"][0]
    in_layers = {name.strip() for layer in config["layers"] for name in layer.split("|")}
    floor = {"banbiantian.people", "banbiantian.transfer"}
    assert {area.name for area in areas.declared()} - floor <= in_layers
