"""The official EPCIS 2.0 JSON schema (vendored), validating with format checks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from jsonschema import Draft7Validator

SCHEMA = json.loads(
    (Path(__file__).parents[2] / "reference" / "epcis" / "EPCIS-JSON-Schema.json").read_text()
)
VALIDATOR = Draft7Validator(SCHEMA, format_checker=Draft7Validator.FORMAT_CHECKER)


def schema_errors(document: dict[str, Any]) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in VALIDATOR.iter_errors(document)]
