"""The layer order of the design (``docs/contributing.md``): imports only go down.

    money -> calendar -> tiers -> contracts -> clocks -> economics -> pricing
          -> cli / report / simulate / scale

The private modules at the root (``sla._errors``, ``sla._types``,
``sla._frames``, ``sla._explain``, ...) sit below every package. The last
row are applications of the library: they may use one another, never the
other way round. Checked twice: statically (every ``import`` in every file,
including the ones inside functions and under ``TYPE_CHECKING``) and by
importing each package alone in a fresh interpreter.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import json
import subprocess
import sys
from pathlib import Path

import pytest

import sla

ROOT = Path(sla.__file__).parent
LAYERS: dict[str, int] = {
    "money": 1,
    "calendar": 2,
    "tiers": 3,
    "contracts": 4,
    "clocks": 5,
    "economics": 6,
    "pricing": 7,
    "cli": 8,
    "report": 8,
    "simulate": 8,
    "scale": 8,
    "__main__": 8,  # ``python -m sla`` runs the command line
}
BASE = 0  # sla/__init__.py and the private root modules


def _layer(module: str) -> tuple[str, int] | None:
    parts = module.split(".")
    if parts[0] != "sla":
        return None
    if len(parts) == 1:
        return "sla", BASE
    area = parts[1]
    if area not in LAYERS:
        assert area.startswith("_"), f"sla.{area} is not placed in a layer"
        return "sla", BASE  # a private root module
    return area, LAYERS[area]


def _imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append(node.module)
            if node.module == "sla":  # ``from sla import calendar``
                found += [f"sla.{alias.name}" for alias in node.names]
    return found


def _module_of(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts).removesuffix(".__init__")


def test_no_file_imports_a_layer_above_its_own() -> None:
    upward = []
    for path in sorted(ROOT.rglob("*.py")):
        module = _module_of(path)
        if module == "sla":
            continue  # the lazy namespace names everything, imports nothing eagerly (below)
        source = _layer(module)
        assert source is not None
        for target in _imports(path):
            found = _layer(target)
            if found is None or found[0] == source[0]:
                continue
            if found[1] > source[1]:
                upward.append(f"{module} imports {target}")
    assert upward == []


def test_the_applications_do_not_import_each_other_in_a_cycle() -> None:
    edges: dict[str, set[str]] = {}
    for path in ROOT.rglob("*.py"):
        source = _layer(_module_of(path))
        for target in _imports(path):
            found = _layer(target)
            if source and found and source[1] == found[1] == 8 and source[0] != found[0]:
                edges.setdefault(source[0], set()).add(found[0])
    for start, targets in edges.items():
        for target in targets:
            assert start not in edges.get(target, set()), f"{start} <-> {target}"


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _runtime_imports(path: Path) -> list[str]:
    """What a file imports when it runs: module level and inside functions, not the imports
    under ``if TYPE_CHECKING:`` (annotations only: mypy reads them, Python never does)."""
    found: list[str] = []

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child.test):
                for other in child.orelse:
                    visit_one(other)
            else:
                visit_one(child)

    def visit_one(node: ast.AST) -> None:
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append(node.module)
            found.extend(f"{node.module}.{alias.name}" for alias in node.names)
        else:
            visit(node)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return found


def _file_cycles(package: str) -> list[list[str]]:
    """Cycles among the private files of ``sla.<package>`` in the run-time import graph."""
    files = {
        _module_of(path): path
        for path in (ROOT / package).glob("*.py")
        if path.name != "__init__.py"
    }
    edges = {
        module: sorted({t for t in _runtime_imports(path) if t in files and t != module})
        for module, path in files.items()
    }
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def walk(module: str, path: list[str]) -> None:
        state[module] = 1
        path.append(module)
        for target in edges[module]:
            if state.get(target) == 1:
                cycles.append([*path[path.index(target) :], target])
            elif target not in state:
                walk(target, path)
        path.pop()
        state[module] = 2

    for module in sorted(files):
        if module not in state:
            walk(module, [])
    return cycles


# Packages whose files still import one another in a cycle at run time. The list must only
# shrink (a stale entry fails below); a package not listed must stay free of cycles.
KNOWN_CYCLES: frozenset[str] = frozenset({"calendar", "cli", "pricing", "scale"})


def test_the_runtime_import_graph_sees_function_level_imports() -> None:
    imports = _runtime_imports(ROOT / "contracts" / "_spec.py")
    assert "sla.contracts._compiled" in imports  # Contract.compile imports the compiler late
    assert "sla.contracts._compiled.CompiledContract" not in imports  # annotations only
    assert _file_cycles("cli")  # the detector finds a known cycle


@pytest.mark.parametrize(
    "package", sorted(p.name for p in ROOT.iterdir() if (p / "__init__.py").exists())
)
def test_no_import_cycle_between_the_files_of_a_package(package: str) -> None:
    cycles = _file_cycles(package)
    if package in KNOWN_CYCLES:
        assert cycles, f"sla.{package} has no file cycle any more: remove it from KNOWN_CYCLES"
    else:
        assert cycles == []


def test_contracts_compile_without_importing_the_spec_back() -> None:
    # The spec -> compiled -> validate -> spec cycle is gone: compiling and checking a
    # contract need the Contract class only for annotations.
    assert "contracts" not in KNOWN_CYCLES
    assert _file_cycles("contracts") == []


def test_the_root_package_imports_only_the_base_eagerly() -> None:
    tree = ast.parse((ROOT / "__init__.py").read_text(encoding="utf-8"))
    eager = [
        node.module
        for node in tree.body  # module level only: TYPE_CHECKING blocks are `if` nodes
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("sla")
    ]
    assert all(_layer(m) in (("sla", BASE), ("money", 1)) or m.startswith("sla._") for m in eager)


@pytest.mark.parametrize("package", [name for name in LAYERS if name != "__main__"])
def test_importing_a_package_loads_no_layer_above_it(package: str) -> None:
    code = (
        "import json, sys; import sla." + package + "; "
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('sla.'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = {_layer(m) for m in json.loads(out.stdout)}
    above = sorted(
        name
        for name, layer in (item for item in loaded if item is not None)
        if layer > LAYERS[package]
    )
    assert above == []


PACKAGES = ["sla", *(f"sla.{name}" for name in LAYERS if name != "__main__")]

# Public names still defined twice across packages, by the engineer whose branch removes
# the duplicate (empty since pricing's PriceBand, BillingPeriod and the one Attainment).
KNOWN_TWICE: dict[str, str] = {}


def _definitions() -> dict[str, set[str]]:
    """Each exported name -> the places it is defined (a re-export is the same object)."""
    homes: dict[str, set[str]] = {}
    for package in PACKAGES:
        module = importlib.import_module(package)
        for name in module.__all__:
            value = getattr(module, name)
            if inspect.isclass(value) or inspect.isfunction(value):
                home = f"{value.__module__}.{value.__qualname__}"
            elif inspect.ismodule(value):
                home = value.__name__
            else:
                home = f"object {id(value)}"
            homes.setdefault(name, set()).add(home)
    return homes


def test_no_public_name_is_defined_twice_across_packages() -> None:
    twice = {name: sorted(homes) for name, homes in _definitions().items() if len(homes) > 1}
    assert {name: homes for name, homes in twice.items() if name not in KNOWN_TWICE} == {}
    stale = sorted(name for name in KNOWN_TWICE if name not in twice)
    assert stale == [], "defined once now: remove from KNOWN_TWICE"


def test_public_classes_report_their_public_module() -> None:
    for package in PACKAGES:
        module = importlib.import_module(package)
        for name in module.__all__:
            value = getattr(module, name)
            if inspect.isclass(value) or inspect.isfunction(value):
                assert "._" not in value.__module__, f"{package}.{name}: {value.__module__}"
    assert repr(sla.calendar.Calendar) == "<class 'sla.calendar.Calendar'>"


def test_objects_of_published_classes_still_pickle() -> None:
    # pickle finds a class by __module__ + __qualname__: the public path must resolve.
    import pickle
    from datetime import timedelta

    from sla.calendar import Calendar
    from sla.economics import Queue

    calendar = Calendar.weekly({"mon-fri": "09:00-17:00"}, tz="Europe/Berlin")
    queue = Queue(calls=100, interval=timedelta(minutes=30), aht=timedelta(seconds=180))
    explanation = sla.Explanation("a", "1", "x", steps=("y",))
    for value in (calendar, queue, explanation):
        assert pickle.loads(pickle.dumps(value)) == value
