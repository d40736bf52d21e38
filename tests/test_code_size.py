"""Size limits that keep the code easy to change: no function over 60 lines, no class with more than
20 instance attributes (read from the source; no module is run)."""

import ast

import pytest

from tests.conftest import ROOT

LIVE = ROOT / "live"
#: Most lines of one function, its docstring and decorators included.
MAX_FUNCTION_LINES = 60
#: Most attributes a class's methods set on ``self``.
MAX_INSTANCE_ATTRIBUTES = 20


def functions(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            yield node.name, node.end_lineno - start + 1


def instance_attributes(cls: ast.ClassDef) -> set[str]:
    """What the class's own methods assign to ``self.<name>`` (nested classes count for themselves)."""
    names = set()
    for method in cls.body:
        if not isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for node in ast.walk(method):
            targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
            for target in targets:
                for leaf in ast.walk(target) if target is not None else ():
                    if isinstance(leaf, ast.Attribute) and isinstance(leaf.value, ast.Name) and leaf.value.id == "self":
                        names.add(leaf.attr)
    return names


SOURCES = sorted(LIVE.rglob("*.py"))


def test_the_scan_counts():
    tree = ast.parse("class A:\n    def f(self):\n        self.a = 1\n        self.b, self.c = 2, 3\n        x = 4\n")
    cls = tree.body[0]
    assert instance_attributes(cls) == {"a", "b", "c"}
    assert dict(functions(tree)) == {"f": 4}


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_function_is_too_long(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    assert [(name, n) for name, n in functions(tree) if n > MAX_FUNCTION_LINES] == []


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_class_holds_too_much(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    classes = [node for node in ast.walk(tree) if isinstance(node, ast.ClassDef)]
    big = [(c.name, len(instance_attributes(c))) for c in classes]
    assert [(name, n) for name, n in big if n > MAX_INSTANCE_ATTRIBUTES] == []
