"""A Python file loaded as a module by path: a script outside any package (an example, a
deploy tool) or an Alembic revision, whose file name is not an importable name."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType


def from_file(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path} as a module")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
