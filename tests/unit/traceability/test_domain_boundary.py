"""The traceability domain stays pure: no framework, database, broker or clock reads."""

import ast
from pathlib import Path

import lotledger.traceability.domain as domain

FORBIDDEN = ("fastapi", "starlette", "sqlalchemy", "asyncpg", "aiokafka", "httpx", "alembic")
DOMAIN_DIR = Path(domain.__file__).parent


def imported_modules(source: str) -> set[str]:
    modules: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module)
    return modules


def test_domain_modules_import_no_adapters() -> None:
    files = sorted(DOMAIN_DIR.glob("*.py"))
    assert len(files) > 5
    for path in files:
        for module in imported_modules(path.read_text()):
            assert module.split(".")[0] not in FORBIDDEN, f"{path.name} imports {module}"


def test_domain_modules_never_read_the_clock() -> None:
    for path in DOMAIN_DIR.glob("*.py"):
        source = path.read_text()
        for call in ("datetime.now(", "datetime.utcnow(", "date.today(", "time.time("):
            assert call not in source, f"{path.name} calls {call}"
