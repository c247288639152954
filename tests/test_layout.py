"""The package reads as the data's path: stages, small modules, imports that only go down,
and a documented public surface."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import tracker

PACKAGE = Path(tracker.__file__).parent
#: Each stage may import its own stage and the ones before it, never one after.
STAGES = {
    "core": 0,
    "validation": 1,
    "loading": 2,
    "analysis": 3,
    "importers": 3,
    "output": 4,
    "cli": 5,
}
MAX_LINES = 400
MODULES = sorted(p for p in PACKAGE.rglob("*.py"))


def _stage(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return {name for name in names if name.startswith("tracker.")}


def _module_name(path: Path) -> str:
    relative = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = [p for p in relative.parts if p != "__init__"]
    return ".".join(parts)


def test_the_package_has_a_sub_package_per_stage():
    folders = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    assert folders == set(STAGES)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_is_over_the_limit(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{path.name} has {lines} lines"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_never_run_back_up_the_stages(path):
    module = _module_name(path)
    stage = _stage(module)
    if stage is None:  # tracker/__init__.py gathers the public namespace from every stage
        return
    for imported in _imports(path):
        other = _stage(imported)
        assert other in STAGES, imported
        later = STAGES[other] > STAGES[stage]
        sideways = STAGES[other] == STAGES[stage] and other != stage
        assert not (later or sideways), f"{module} imports {imported}"


def _public() -> dict[str, object]:
    found = {}
    for info in pkgutil.walk_packages(tracker.__path__, "tracker."):
        module = importlib.import_module(info.name)
        for name in getattr(module, "__all__", []):
            obj = getattr(module, name)
            if (inspect.isfunction(obj) or inspect.isclass(obj)) and obj.__module__ == info.name:
                found[f"{info.name}.{name}"] = obj
    return found


PUBLIC = _public()


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_every_public_function_has_a_runnable_example(name):
    # The examples themselves run as doctests (pytest --doctest-modules).
    assert "\nExamples\n--------\n>>> " in inspect.getdoc(PUBLIC[name])


def test_the_namespace_holds_what_a_notebook_needs():
    for name in ("load_datasets", "compute_gaps", "audit", "meet_probability", "fan_chart"):
        assert name in tracker.__all__
    assert len(repr(tracker.load_datasets("datasets"))) < 200


#: What the command line's start-up does not import: drawing (a third of a second),
#: templates and the importers' parsers load only for the commands that use them.
_LOADED_ON_USE = ("matplotlib", "jinja2", "tracker.importers.bns", "yaml")


def test_the_command_line_starts_without_what_only_some_commands_use():
    check = (
        "import sys, tracker.cli; "
        f"early = [m for m in {_LOADED_ON_USE!r} if m in sys.modules]; "
        "assert not early, f'imported with the CLI: {early}'; "
        "import tracker; tracker.fan_chart; tracker.build_report; "
        "from tracker.importers import run_import; "
        f"never = [m for m in {_LOADED_ON_USE!r} if m not in sys.modules]; "
        "assert not never, f'never imported: {never}'"
    )
    subprocess.run([sys.executable, "-c", check], check=True)


def test_the_namespace_names_only_what_it_holds():
    with pytest.raises(AttributeError, match="no_such_chart"):
        tracker.no_such_chart  # noqa: B018 - the lookup is the test
