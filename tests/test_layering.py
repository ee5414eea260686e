"""Imports point one way down the flow: no module imports from a stage that comes after its own."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "observatory"
# Each layer may import its own and the earlier layers, never a later one.
LAYERS: list[tuple[str, ...]] = [
    ("observatory.models", "observatory.config"),  # and the package itself (layer_of)
    ("observatory.lexicon",),
    ("observatory.read",),
    ("observatory.detect",),
    ("observatory.resolve",),
    ("observatory.assemble",),
    ("observatory.pipeline", "observatory.parallel"),
    ("observatory.store",),
    ("observatory.evaluate",),
    ("observatory.serve",),
    ("observatory.cli", "observatory.terminal"),
]


def layer_of(module: str) -> int:
    """The layer of a dotted module name: its longest matching prefix among LAYERS; KeyError if none. The
    package itself ("observatory", its __version__) is the foundation; nothing else falls to it by default."""
    if module == "observatory" or module == "observatory.__version__":
        return 0
    best: tuple[int, int] | None = None
    for index, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            matches = module == prefix or module.startswith(prefix + ".")
            if matches and (best is None or len(prefix) > best[0]):
                best = (len(prefix), index)
    if best is None:
        raise KeyError(module)
    return best[1]


def imported_modules(source: str, module: str, is_package: bool) -> list[tuple[int, str]]:
    """(line, dotted name) of every observatory module a source imports, at the top or inside functions;
    ``from observatory.x import y`` counts as observatory.x.y, which is the module when y is one."""
    found = []
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                origin = ".".join([*base, *([node.module] if node.module else [])])
            else:
                origin = node.module or ""
            if origin == "observatory" or origin.startswith("observatory."):
                found += [(node.lineno, f"{origin}.{alias.name}") for alias in node.names]
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.split(".")[0] == "observatory"]
    return found


def violations(source: str, module: str, is_package: bool = False) -> list[str]:
    """The imports of a module that point to a later layer."""
    own = layer_of(module)
    return [f"{module}:{line} imports {name}" for line, name in imported_modules(source, module, is_package)
            if layer_of(name) > own]


def _modules() -> list[tuple[str, Path]]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        found.append((".".join(parts[:-1] if parts[-1] == "__init__" else parts), path))
    return found


def test_every_module_belongs_to_a_layer() -> None:
    unplaced = []
    for module, _ in _modules():
        try:
            layer_of(module)
        except KeyError:
            unplaced.append(module)
    assert not unplaced, f"modules outside every layer of tests/test_layering.py: {unplaced}"


@pytest.mark.parametrize(("module", "path"), _modules(), ids=[m for m, _ in _modules()])
def test_no_module_imports_a_later_stage(module: str, path: Path) -> None:
    assert violations(path.read_text(encoding="utf-8"), module, path.name == "__init__.py") == []


def test_an_import_from_a_later_stage_is_caught() -> None:
    source = "from observatory.store.queries import EventFilter\n\ndef f():\n    import observatory.serve.api\n"
    assert violations(source, "observatory.detect.events") == [
        "observatory.detect.events:1 imports observatory.store.queries.EventFilter",
        "observatory.detect.events:4 imports observatory.serve.api",
    ]
    assert violations("from ..resolve import dates\n", "observatory.detect.events") == [
        "observatory.detect.events:1 imports observatory.resolve.dates"]
    assert violations("from observatory.read.nlp import get_nlp\n", "observatory.detect.events") == []


def test_a_module_outside_the_layers_is_found() -> None:
    with pytest.raises(KeyError):
        layer_of("observatory.utils")
    with pytest.raises(KeyError):
        layer_of("observatory.newstage.x")


def test_the_foundation_imports_no_stage() -> None:
    assert violations("from observatory.lexicon import taxonomy\n", "observatory.models") == [
        "observatory.models:1 imports observatory.lexicon.taxonomy"]
