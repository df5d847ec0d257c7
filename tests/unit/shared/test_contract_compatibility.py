"""Contracts: committed schemas equal the models, every change since the frozen baseline
is additive and declared as a revision (`contracts/revisions.py` says what changed), and
every event today's code can produce is still readable by a v1 consumer (the baseline
schemas), values declared as new in an enumeration aside."""

import json
from datetime import UTC
from pathlib import Path
from typing import Any, get_args

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from pydantic import AwareDatetime, BaseModel

from lotledger.shared.contracts.catalogue import (
    CONTRACTS_DIR,
    EVENTS,
    EventContract,
    data_schema,
    rendered,
)
from lotledger.shared.contracts.revisions import REVISION_KEY, REVISIONS, revision_of

BASELINE = CONTRACTS_DIR / "baseline" / "v1"


def test_committed_contracts_match_the_models() -> None:
    expected = rendered()
    on_disk = {
        str(p.relative_to(CONTRACTS_DIR)): p.read_text(encoding="utf-8")
        for p in CONTRACTS_DIR.rglob("*.json")
        if "baseline" not in p.parts
    }
    drifted = sorted(set(expected) ^ set(on_disk)) + sorted(
        path for path in set(expected) & set(on_disk) if expected[path] != on_disk[path]
    )
    assert not drifted, f"run `uv run lotledger contracts` and commit: {drifted}"


def _baseline(event: EventContract) -> dict[str, Any]:
    return dict(json.loads((BASELINE / event.schema_file).read_text(encoding="utf-8")))


def _properties(schema: dict[str, Any]) -> dict[str, Any]:
    return dict(schema.get("properties", {}))


@pytest.mark.parametrize("event", EVENTS, ids=lambda e: e.event_type)
def test_changes_within_v1_are_additive(event: EventContract) -> None:
    baseline_path = BASELINE / event.schema_file
    if not baseline_path.exists():
        return
    old, new = _baseline(event), event.model.model_json_schema(mode="serialization", by_alias=True)
    missing = set(_properties(old)) - set(_properties(new))
    assert not missing, f"{event.event_type} dropped members {missing}: publish a .v2 type"
    newly_required = set(new.get("required", [])) - set(old.get("required", []))
    assert not newly_required, f"{event.event_type} now requires {newly_required}"
    for name, spec in _properties(old).items():
        assert _properties(new)[name].get("type") == spec.get("type"), f"{event.event_type}.{name}"


def _enums(schema: dict[str, Any]) -> dict[str, set[str]]:
    return {
        name: set(spec["enum"]) for name, spec in schema.get("$defs", {}).items() if "enum" in spec
    }


def _declared(event: EventContract) -> tuple[set[str], dict[str, set[str]]]:
    members: set[str] = set()
    values: dict[str, set[str]] = {}
    for revision in REVISIONS.get(event.event_type, ()):
        members |= revision.members
        for enum, added in revision.values.items():
            values.setdefault(enum, set()).update(added)
    return members, values


@pytest.mark.parametrize(
    "event", [e for e in EVENTS if (BASELINE / e.schema_file).exists()], ids=lambda e: e.event_type
)
def test_every_change_since_the_baseline_is_a_declared_revision(event: EventContract) -> None:
    old, new = _baseline(event), data_schema(event)
    added = set(_properties(new)) - set(_properties(old))
    old_enums, new_enums = _enums(old), _enums(new)
    new_values = {
        name: values - old_enums.get(name, set())
        for name, values in new_enums.items()
        if values - old_enums.get(name, set()) and name in old_enums
    }
    members, values = _declared(event)
    assert added == members, f"{event.event_type}: declare {added - members} in revisions.py"
    assert new_values == values, f"{event.event_type}: declare enum values {new_values}"
    changed = bool(added or new_values)
    assert (revision_of(event.event_type) > 1) == changed
    assert new.get(REVISION_KEY, 1) == revision_of(event.event_type)


def test_revisions_only_name_published_types() -> None:
    assert set(REVISIONS) <= {e.event_type for e in EVENTS}


def _instances(
    model: type[BaseModel], new_values: dict[str, set[str]] | None = None
) -> st.SearchStrategy[BaseModel]:
    """Random valid payloads; times are always UTC-aware, as every producer sends them."""
    aware = st.datetimes(timezones=st.just(UTC))
    overrides: dict[str, st.SearchStrategy[Any]] = {}
    for name, field in model.model_fields.items():
        if field.annotation is AwareDatetime:
            overrides[name] = aware
        elif AwareDatetime in get_args(field.annotation):
            overrides[name] = st.one_of(st.none(), aware)
    return st.builds(model, **overrides)


@pytest.mark.parametrize(
    "event", [e for e in EVENTS if (BASELINE / e.schema_file).exists()], ids=lambda e: e.event_type
)
def test_a_v1_consumer_reads_every_current_event(event: EventContract) -> None:
    validator = Draft202012Validator(
        _baseline(event), format_checker=Draft202012Validator.FORMAT_CHECKER
    )

    @settings(max_examples=40, deadline=None)
    @given(_instances(event.model))
    def check(instance: BaseModel) -> None:
        data = instance.model_dump(mode="json", by_alias=True, exclude_none=True)
        if _uses(data, declared_values):
            return
        errors = sorted(validator.iter_errors(data), key=str)
        assert not errors, errors[0].message

    declared_values = set().union(*_declared(event)[1].values())

    check()


def _uses(data: Any, values: set[str]) -> bool:
    """Whether `data` carries a value a revision added to an enumeration (a v1 consumer
    was told to expect new values; the baseline schema cannot know them)."""
    if isinstance(data, str):
        return data in values
    if isinstance(data, dict):
        return any(_uses(v, values) for v in data.values())
    if isinstance(data, list):
        return any(_uses(v, values) for v in data)
    return False


def test_every_published_type_has_a_baseline_or_is_new() -> None:
    baseline = {p.name for p in Path(BASELINE).glob("*.schema.json")}
    assert {e.schema_file for e in EVENTS} >= baseline - {"cloudevent.schema.json"}
