"""Imports go one way: the web over the domain over the store, with the shared words at the bottom.

Every module of app/ is parsed (not imported) and each of its `app` imports, at the top or inside
a function, is checked against the layers of ARCHITECTURE.md. A new upward import fails here.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parent.parent / "app"

#: Used by every layer and importing only each other: the plain values and words, outside links,
#: settings, the HTTP layer, the version and the declared tables with their CSV writer.
BASE = {"app.domain", "app.links", "app.config", "app.remote", "app.version", "app.tables"}
#: Modules that may import nothing of the app at all.
STANDALONE = {"app.domain", "app.links", "app.version", "app.tables"}
#: The entry points and the web: the Flask factory (the package `app` itself), the CLI, Flask's extensions.
TOP = {"app", "app.cli", "app.extensions"}
#: The job runner runs analyses; the pipeline must not know it.
RUNNER = {"app.jobs"}

LAYERS = ("base", "store", "domain", "runner", "web")


def layer(module: str) -> str:
    if module in BASE:
        return "base"
    if module in TOP or module == "app.web" or module.startswith("app.web."):
        return "web"
    if module in RUNNER:
        return "runner"
    if module == "app.store" or module.startswith("app.store."):
        return "store"
    return "domain"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(APP.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def app_imports(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, module) of every import of the app in a module, wherever it stands."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names
                      if alias.name == "app" or alias.name.startswith("app.")]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == "app":
                # `from app import web` is the module app.web; `from app import LANGUAGES` is the factory package.
                found += [(node.lineno, f"app.{alias.name}" if (APP / alias.name).exists()
                           or (APP / f"{alias.name}.py").exists() else "app") for alias in node.names]
            elif node.module.startswith("app."):
                found.append((node.lineno, node.module))
    return found


def modules():
    for path in sorted(APP.rglob("*.py")):
        if "migrations" in path.parts:
            continue  # Alembic's own scripts
        yield path


def upward_imports(path: Path) -> list[str]:
    module = module_name(path)
    rank = LAYERS.index(layer(module))
    wrong = []
    for line, target in app_imports(ast.parse(path.read_text(encoding="utf-8"))):
        if target == module:
            continue
        if module in STANDALONE:
            wrong.append(f"{module}:{line} imports {target}: it must import nothing of the app")
        elif LAYERS.index(layer(target)) > rank:
            wrong.append(f"{module}:{line} ({layer(module)}) imports {target} ({layer(target)})")
    return wrong


def test_every_module_is_checked():
    names = {module_name(path) for path in modules()}
    assert {"app", "app.analysis", "app.store.records", "app.web.pages", "app.domain"} <= names
    assert len(names) > 60


@pytest.mark.parametrize("path", list(modules()), ids=lambda p: str(p.relative_to(APP.parent)))
def test_no_module_imports_upward(path):
    assert upward_imports(path) == []


def test_the_check_finds_an_upward_import(tmp_path):
    """The checker itself can fail: a store module that imports statistics is caught."""
    fake = APP / "store" / "records.py"
    tree = ast.parse("def f():\n    from app.stats import headline\n")
    assert app_imports(tree) == [(2, "app.stats")]
    assert layer("app.stats") == "domain" and layer(module_name(fake)) == "store"
    assert layer("app.jobs") == "runner" and layer("app") == "web" and layer("app.remote") == "base"
    assert app_imports(ast.parse("from app import LANGUAGES\nfrom app import web\n")) == [(1, "app"), (2, "app.web")]
