"""The official GS1 EPCIS 2.0 JSON schema (vendored unchanged) and validation against it,
naming each failure by its JSON path (`epcisBody.eventList[3].eventTime`)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from jsonschema import Draft7Validator
from jsonschema.exceptions import ValidationError, best_match

SCHEMA = json.loads((Path(__file__).parent / "EPCIS-JSON-Schema.json").read_text())
VALIDATOR = Draft7Validator(SCHEMA, format_checker=Draft7Validator.FORMAT_CHECKER)
MAX_ERRORS = 20


def json_path(parts: Iterable[Any]) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "body"


def _field(error: ValidationError) -> str:
    path = list(error.absolute_path)
    if error.validator == "required" and isinstance(error.instance, dict):
        required: list[str] = list(error.validator_value)  # type: ignore[arg-type]
        missing = [k for k in required if k not in error.instance]
        path += missing[:1]
    return json_path(path)


def _deepest(error: ValidationError) -> ValidationError:
    """Inside an anyOf/oneOf (the event types), the failure that went furthest."""
    while error.context:
        error = max(error.context, key=lambda e: len(e.absolute_path))
    return error


def schema_errors(document: Any) -> list[dict[str, str]]:
    """Field errors ({field, rule, message}) of `document`; empty when it is valid."""
    errors = list(VALIDATOR.iter_errors(document))
    if not errors:
        return []
    first = best_match(errors)
    ordered = [first] + [e for e in errors if e is not first]
    out = []
    for error in ordered[:MAX_ERRORS]:
        deepest = _deepest(error)
        out.append(
            {
                "field": _field(deepest),
                "rule": f"epcis_schema.{deepest.validator}",
                "message": deepest.message[:300],
            }
        )
    return out
