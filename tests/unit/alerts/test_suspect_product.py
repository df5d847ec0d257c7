"""suspect_product: one critical alert per suspect-return record, in the warehouse the packs
came back to, naming every refused pack with its verdict; raised by the record only (a
redelivery raises nothing new) and resolved by QA only."""

from datetime import timedelta
from typing import cast
from uuid import uuid4

from lotledger.alerts.adapters.unit_of_work import Stores
from lotledger.alerts.domain import lock_keys
from lotledger.alerts.domain.alert import ChangeKind
from lotledger.alerts.domain.conditions import Scope
from lotledger.alerts.domain.suspect import PACKS_NAMED, suspect_product
from lotledger.alerts.service import batch_locks
from lotledger.shared.contracts.alerts import AlertType, Severity
from lotledger.shared.contracts.sync import SUSPECT_RETURN, SuspectPack, SuspectReturnRecorded
from lotledger.shared.db import Driver
from lotledger.shared.envelope import CloudEvent
from tests.unit.alerts.fixtures import B1, GTIN, NOW, Desk, json_native

PHARMACY = "9506000000022"
LATER = NOW + timedelta(days=3)


def _held(*packs: tuple[str, str], return_id: str = "ret-1") -> SuspectReturnRecorded:
    return SuspectReturnRecorded(
        return_id=return_id,
        from_party=PHARMACY,
        location=B1,
        warehouses=["WH2"],
        reason="overstock",
        packs=[
            SuspectPack(
                gtin=GTIN, serial=serial, lot=None if v == "unknown_serial" else "L1", verdict=v
            )
            for serial, v in packs
        ],
        actor="scanner-7",
        recorded_at=NOW,
    )


REFUSED = (("S1", "not_shipped_to_party"), ("S2", "decommissioned"), ("NEVER", "unknown_serial"))


def test_a_refused_return_is_one_critical_alert_naming_each_pack_and_its_reason() -> None:
    condition = suspect_product(_held(*REFUSED))
    assert (condition.key.alert_type, condition.key.subject) == (
        AlertType.SUSPECT_PRODUCT,
        "ret-1",
    )
    assert condition.severity is Severity.CRITICAL
    details = condition.details
    assert [(p["serial"], p["verdict"]) for p in details["packs"]] == list(REFUSED)
    assert details["verdicts"] == {
        "decommissioned": 1,
        "not_shipped_to_party": 1,
        "unknown_serial": 1,
    }
    assert (details["gtin"], details["from_party"], details["warehouse"]) == (
        GTIN,
        PHARMACY,
        "WH2",
    )
    assert details["message"] == (
        f"3 returned packs from {PHARMACY} at {B1} failed verification and are held for QA: "
        f"{GTIN}/S1 (not_shipped_to_party); {GTIN}/S2 (decommissioned); "
        f"{GTIN}/NEVER (unknown_serial)"
    )
    assert json_native(dict(details))
    alert = Desk().event(condition, "evt-1", NOW)[0].alert
    assert alert.warehouses == ("WH2",)


def test_the_message_names_the_first_packs_and_counts_the_rest() -> None:
    many = [(f"S{i:03d}", "not_shipped") for i in range(PACKS_NAMED + 5)]
    condition = suspect_product(_held(*many))
    assert condition.details["message"].endswith(f"{GTIN}/S019 (not_shipped); and 5 more")
    assert len(condition.details["packs"]) == PACKS_NAMED + 5


def test_packs_of_several_products_name_no_single_gtin() -> None:
    held = _held(*REFUSED)
    other = SuspectPack(gtin="09506000134369", serial="X", verdict="unknown_serial")
    condition = suspect_product(held.model_copy(update={"packs": [*held.packs, other]}))
    assert condition.details["gtin"] is None
    assert condition.details["gtins"] == sorted({GTIN, "09506000134369"})


def test_each_refused_return_raises_its_own_alert_and_a_redelivery_nothing() -> None:
    desk = Desk()
    desk.event(suspect_product(_held(*REFUSED)), "evt-1", NOW)
    assert desk.event(suspect_product(_held(*REFUSED)), "evt-1", NOW) == []
    desk.event(suspect_product(_held(("S9", "not_shipped"), return_id="ret-2")), "evt-2", NOW)
    assert sorted(a.key.subject for a in desk.open()) == ["ret-1", "ret-2"]


def test_only_qa_resolves_a_suspect_product_alert() -> None:
    desk = Desk()
    desk.event(suspect_product(_held(*REFUSED)), "evt-1", NOW)
    assert desk.evaluate_scope(Scope.everything(*AlertType), LATER) == []
    alert = desk.only_open(AlertType.SUSPECT_PRODUCT)
    assert desk.ack(alert, LATER, "qa-1").kind is ChangeKind.ACKNOWLEDGED
    assert desk.evaluate_scope(Scope.everything(*AlertType), LATER) == []
    resolved = desk.resolve(desk.only_open(AlertType.SUSPECT_PRODUCT), LATER, "qa-1")
    assert (resolved.alert.status.value, resolved.alert.resolved_by) == ("resolved", "qa-1")


async def test_a_projector_batch_with_a_refused_return_holds_the_lock_its_alert_needs() -> None:
    held = _held(*REFUSED)
    envelope = CloudEvent(
        id=uuid4(), source="lotledger/inventory", type=SUSPECT_RETURN, time=NOW, data={}
    )
    keys = await batch_locks.keys_of(Stores.on(cast(Driver, None)), [(envelope, held)])
    condition = suspect_product(held)
    assert lock_keys.group(condition.key.alert_type, condition.key.group) in keys
