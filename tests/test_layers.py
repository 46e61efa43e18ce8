"""The house is layered: no module imports from a layer above its own (README, "Repository layout").

Parsed from the source with `ast`, so a violation fails here before it hides in a lazy import.
"""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# Folder → package, as pyproject's package-dir maps them.
PACKAGE_DIRS = {"jixiao": "jixiao", "extractors": "jixiao.extractors", "normalizers": "jixiao.normalizers",
                "flows": "jixiao.flows", "dictionaries": "jixiao.dictionaries"}
# Bottom to top; a module may import its own layer and the ones below it.
LAYERS = [
    ("ground", ["jixiao.model", "jixiao.dictionaries"]),
    ("readers", ["jixiao.extractors"]),
    ("normalizers", ["jixiao.normalizers"]),
    ("parsing", ["jixiao.parsing"]),
    ("store", ["jixiao.store"]),
    ("analysis", ["jixiao.analysis"]),
    ("flow", ["jixiao.flows"]),
    ("cli", ["jixiao.cli", "jixiao.__main__", "jixiao"]),
]


def layer_of(module: str) -> int:
    best = None
    for level, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if module == prefix or module.startswith(prefix + "."):
                if best is None or len(prefix) > best[1]:
                    best = (level, len(prefix))
    assert best is not None, f"{module} is in no layer: add it to LAYERS and the README"
    return best[0]


def modules() -> dict[str, Path]:
    found = {}
    for folder, package in PACKAGE_DIRS.items():
        for path in (REPO / folder).rglob("*.py"):
            parts = path.relative_to(REPO / folder).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join((package, *parts))] = path
    return found


def imports_of(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return {n for n in names if n == "jixiao" or n.startswith("jixiao.")}


def test_every_module_is_in_a_layer_and_imports_only_downwards():
    found = modules()
    assert len(found) > 20
    violations = []
    for module, path in found.items():
        own = layer_of(module)
        for imported in imports_of(path):
            if layer_of(imported) > own:
                violations.append(f"{module} ({LAYERS[own][0]}) imports {imported} "
                                  f"({LAYERS[layer_of(imported)][0]})")
    assert not violations, "\n".join(violations)


def test_no_source_file_exceeds_400_lines():
    long = [f"{p.relative_to(REPO)}: {n}" for p in modules().values()
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 400]
    assert not long, long


def test_old_top_level_packages_are_not_importable_names():
    """Sources import through the one namespace only (`from extractors…` would break once installed)."""
    stray = [f"{p.relative_to(REPO)} imports {n}" for p in modules().values()
             for node in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
             if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module
             for n in [node.module.split(".")[0]]
             if n in {"extractors", "normalizers", "flows", "dictionaries"}]
    assert not stray, stray


def _layout_rows() -> list[list[str]]:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Repository layout"):]
    section = section[:section.index("\n## ", 1)]
    return [[c.strip() for c in line.strip("|").split("|")] for line in section.splitlines()
            if line.startswith("| ") and not line.startswith("| layer")]


def test_the_readme_layout_table_lists_the_layers_and_every_module():
    """Layers in LAYERS' order with their packages, each folder where it is, and every module named."""
    rows = _layout_rows()
    listed = [(layer, package.strip("`")) for layer, package, _, _ in rows]
    expected = [(layer, package) for layer, packages in LAYERS for package in packages
                if package not in ("jixiao", "jixiao.__main__")]  # the cli layer's catch-alls
    assert listed == expected
    named: set[Path] = set()
    for _, _, where, what in rows:
        folder = REPO / where.strip("`")
        assert folder.exists(), where
        base = folder if folder.is_dir() else folder.parent
        for name in re.findall(r"`([\w/]+(?:\.py|/))`", what):
            assert (base / name).exists(), f"README names {base.relative_to(REPO) / name}, which is not there"
            named.add((base / name).resolve())
        if folder.is_file():
            named.add(folder.resolve())
    unnamed = [str(p.relative_to(REPO)) for p in modules().values()
               if p.name != "__init__.py" and p.resolve() not in named and p.parent.resolve() not in named]
    assert not unnamed, f"modules the README layout table does not name: {unnamed}"


def test_every_package_folder_is_in_the_wheel():
    """pyproject lists packages by name: a new sub-package missing there is silently left out of the wheel."""
    listed = set(tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"])
    found = {".".join((package, *init.parent.relative_to(REPO / folder).parts))
             for folder, package in PACKAGE_DIRS.items() for init in (REPO / folder).rglob("__init__.py")}
    assert found == listed


def import_graph() -> dict[str, set[str]]:
    """Module → the jixiao modules it imports, wherever the import sits (in a function, under
    TYPE_CHECKING): `from package import module` counts as importing the module."""
    found = modules()
    graph: dict[str, set[str]] = {}
    for module, path in found.items():
        edges = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                submodules = {f"{node.module}.{alias.name}" for alias in node.names} & found.keys()
                edges |= submodules or {node.module}
            elif isinstance(node, ast.Import):
                edges.update(alias.name for alias in node.names)
        graph[module] = {e for e in edges if e in found and e != module}
    return graph


def import_circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    circles: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for imported in graph[module]:
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = []
            while (member := stack.pop()) != module:
                group.append(member)
            if group:
                circles.append(sorted([module, *group]))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return circles


def test_import_circles_are_found():
    assert import_circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert import_circles({"a": {"b"}, "b": set()}) == []


def test_no_import_circle_even_through_imports_inside_functions():
    """A circle hidden by an import inside a function still ties two modules into one: move the shared
    piece into a module of its own."""
    circles = import_circles(import_graph())
    assert not circles, "\n".join(" ↔ ".join(c) for c in circles)
