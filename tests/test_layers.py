"""The package's layers, read from the imports in the source (no module is run).

The runtime is one tower, from the inputs up to the frame loop's app (``live/app/``). The commands
(``live/commands/``, dispatched by ``cli.py``) and the measurement tools (``live/tools/``) stand
beside it and import it, never the other way; no command is built out of another. The input layer
speaks its own vocabulary and knows nothing of the stages after it.
"""

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

LIVE = ROOT / "live"
#: Beside the runtime: the commands, the tools, the dispatcher.
BESIDE = ("commands", "tools", "cli.py", "__main__.py")
#: What comes after input in a frame's journey.
AFTER_INPUT = ("live.app", "live.display", "live.record", "live.render", "live.optimise", "live.scene", "live.share")


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
    assert "live.app" in imports(LIVE / "commands" / "run.py")
    assert "live.input.events" in imports(LIVE / "input" / "keys.py")


RUNTIME = [p for p in sources(LIVE) if p.relative_to(LIVE).parts[0] not in BESIDE]
BELOW_APP = [p for p in RUNTIME if p.relative_to(LIVE).parts[0] != "app"]


@pytest.mark.parametrize("path", BELOW_APP, ids=lambda p: str(p.relative_to(ROOT)))
def test_nothing_below_the_app_imports_it(path):
    assert takes(imports(path), "live.app") == []


@pytest.mark.parametrize("path", RUNTIME, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_runtime_imports_no_command_or_tool(path):
    names = imports(path)
    assert takes(names, "live.commands") + takes(names, "live.tools") + takes(names, "live.cli") == []


@pytest.mark.parametrize("path", sources(LIVE / "commands"), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_command_is_built_out_of_another(path):
    if path.name == "__init__.py":
        return  # the list of commands
    shared = "live.commands.common"
    others = [n for n in takes(imports(path), "live.commands") if n != shared and not n.startswith(shared + ".")]
    assert others == []


@pytest.mark.parametrize("path", sources(LIVE / "tools"), ids=lambda p: str(p.relative_to(ROOT)))
def test_the_tools_import_no_command(path):
    assert takes(imports(path), "live.commands") + takes(imports(path), "live.cli") == []


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
