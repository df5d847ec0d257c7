"""Each service's arrows point one way (STYLE.md): domain ← adapters ← service ←
entrypoints ← bootstrap ← cli. A module may import its own layer and the layers below
it, never one above; settings, runtime and the package root (name, version) sit beside
the adapters, below the service layer."""

import ast
from pathlib import Path

import pytest

import lotledger.alerts
import lotledger.inventory
import lotledger.traceability

SERVICES = {
    "inventory": Path(lotledger.inventory.__file__).parent,
    "traceability": Path(lotledger.traceability.__file__).parent,
    "alerts": Path(lotledger.alerts.__file__).parent,
}
RANK = {
    "": 0,
    "domain": 0,
    "settings": 1,
    "adapters": 1,
    "runtime": 1,
    "service": 2,
    "entrypoints": 3,
    "bootstrap": 4,
    "cli": 5,
}


def layer(module: str, service: str) -> str:
    """The layer of `lotledger.<service>.<layer>...` ('' for the package root)."""
    parts = module.split(".")
    return parts[2] if len(parts) > 2 else ""


def imports(path: Path, package: str) -> list[str]:
    found: list[str] = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.startswith(package + ".")]
        elif (
            isinstance(node, ast.ImportFrom)
            and node.module
            and node.module.startswith(package + ".")
        ):
            found.append(node.module)
    return found


def violations(service: str, root: Path) -> list[str]:
    package = f"lotledger.{service}"
    wrong = []
    for path in sorted(root.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        relative = path.relative_to(root).with_suffix("")
        own = relative.parts[0] if relative.parts[0] != "__init__" else ""
        for module in imports(path, package):
            target = layer(module, service)
            if RANK.get(target, 0) > RANK.get(own, 0):
                wrong.append(f"{relative} ({own or 'root'}) imports {module}")
    return wrong


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_no_module_imports_a_layer_above_its_own(service: str) -> None:
    assert violations(service, SERVICES[service]) == []


def test_the_check_sees_an_upward_import(tmp_path: Path) -> None:
    adapters = tmp_path / "adapters"
    adapters.mkdir()
    (adapters / "store.py").write_text("from lotledger.demo.service.batch import Batch\n")
    (tmp_path / "entrypoints.py").write_text("import lotledger.demo.bootstrap\n")
    assert violations("demo", tmp_path) == [
        "adapters/store (adapters) imports lotledger.demo.service.batch",
        "entrypoints (entrypoints) imports lotledger.demo.bootstrap",
    ]
