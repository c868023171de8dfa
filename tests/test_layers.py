"""The apps' layers (docs/architecture.md) are checked by a tool, so that an
upward import fails `make lint` instead of waiting for a reviewer."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint_imports(tree):
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--config", str(ROOT / "pyproject.toml")],
        cwd=tree,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(tree)},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def tree(tmp_path):
    shutil.copytree(
        ROOT / "hamsada",
        tmp_path / "hamsada",
        ignore=shutil.ignore_patterns("locale*", "static", "templates", "__pycache__"),
    )
    return tmp_path


def test_the_layers_hold_today(tree):
    result = lint_imports(tree)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "upward"),
    [
        # The shapes the layers were drawn to end: a model needing another
        # app's form, the outbox rendering another app's email, and an import
        # hidden in a function.
        ("campaigns/channels.py", "from hamsada.participation.forms import SignForm\n"),
        ("outbox/emails.py", "from hamsada.delivery.models import Delivery\n"),
        ("lib/text.py", "def later():\n    from hamsada.web.views import campaigns\n"),
    ],
)
def test_an_upward_import_breaks_the_contract(tree, module, upward):
    path = tree / "hamsada" / module
    path.write_text(path.read_text() + "\n\n" + upward)
    result = lint_imports(tree)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "BROKEN" in result.stdout
