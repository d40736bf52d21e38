"""The package's layers, read from the imports in the source (no module is run).

The frame loop's app (``live/app/``) stands on everything else; only the commands above it
(``cli.py``, ``bench.py``, ``soak.py``, ``__main__.py``) may import it. The input layer speaks its own
vocabulary and knows nothing of the stages after it.
"""

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

LIVE = ROOT / "live"
#: The modules above the app, which may import it.
ABOVE_APP = {"live/cli.py", "live/bench.py", "live/soak.py", "live/__main__.py"}
#: What comes after input in a frame's journey.
AFTER_INPUT = ("live.app", "live.display", "live.record", "live.render", "live.optimise", "live.fit")


def imports(path: Path) -> set[str]:
    """Every module ``path`` imports, at the top or inside a function, as absolute names."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def sources(under: Path) -> list[Path]:
    return sorted(under.rglob("*.py"))


def takes(names: set[str], package: str) -> list[str]:
    return sorted(n for n in names if n == package or n.startswith(package + "."))


def test_the_scan_sees_imports():
    assert "live.app" in imports(LIVE / "cli.py") or "live.app.run" in imports(LIVE / "cli.py")
    assert "live.input.events" in imports(LIVE / "input" / "keys.py")


BELOW_APP = [
    p for p in sources(LIVE) if p.relative_to(LIVE).parts[0] != "app" and str(p.relative_to(ROOT)) not in ABOVE_APP
]


@pytest.mark.parametrize("path", BELOW_APP, ids=lambda p: str(p.relative_to(ROOT)))
def test_nothing_below_the_app_imports_it(path):
    assert takes(imports(path), "live.app") == []


@pytest.mark.parametrize("path", sources(LIVE / "input"), ids=lambda p: str(p.relative_to(ROOT)))
def test_input_knows_nothing_of_the_later_stages(path):
    names = imports(path)
    assert [n for stage in AFTER_INPUT for n in takes(names, stage)] == []


def test_every_choice_is_registered_once():
    """Each kind of input, display and backend the config or the CLI can name has its one entry."""
    from live.config import Backend, InputKind
    from live.display.windows import DISPLAYS, DisplayKind
    from live.input.kinds import INPUTS
    from live.render import BACKENDS, RENDERERS

    assert set(INPUTS) == set(InputKind)
    assert set(DISPLAYS) == set(DisplayKind)
    assert set(RENDERERS) == set(Backend) - {Backend.AUTO} and BACKENDS == tuple(RENDERERS)
