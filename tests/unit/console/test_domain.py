"""The console's pure functions: lot lookup, the custody graph, timeline pages, chain
verdicts, expiry buckets and levels, CSV rows."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from lotledger.console.domain import lots as m
from lotledger.console.domain.csv_rows import cell, recall_rows, stock_rows
from lotledger.console.domain.errors import BadForm
from lotledger.console.domain.graph import MAX_PER_COLUMN, custody_graph
from lotledger.console.domain.lookup import from_barcode, lot_ref
from lotledger.console.domain.stock import (
    Product,
    StockLine,
    bucket,
    expiry_buckets,
    holdings_at,
    levels,
)
from lotledger.console.domain.timeline import timeline_page

T0 = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)
GTIN = "09506000134352"


def step(version: int, type: str, **places: str | int) -> m.Step:
    qty = places.pop("qty", 1)
    assert isinstance(qty, int)
    return m.Step(
        version=version,
        type=type,
        at=T0 + timedelta(minutes=version),
        recorded_at=T0 + timedelta(minutes=version),
        actor="a",
        device=None,
        location=str(places.get("location")) if "location" in places else None,
        from_location=str(places["from_location"]) if "from_location" in places else None,
        to_location=str(places["to_location"]) if "to_location" in places else None,
        qty=qty,
    )


def test_a_lot_is_found_by_gtin_and_lot_or_by_its_barcode() -> None:
    ref = lot_ref("9506000134352", "A/1%?")
    assert (ref.gtin, ref.lot) == (GTIN, "A/1%?")
    hri = from_barcode(f"(01){GTIN}(17)281130(10)LOT-9")
    gs = from_barcode(f"]d201{GTIN}17281130" + "10LOT-9\x1d21SER")
    assert (hri.gtin, hri.lot) == (gs.gtin, gs.lot) == (GTIN, "LOT-9")


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: lot_ref("09506000134353", "A"), "gtin"),
        (lambda: lot_ref(GTIN, "has space"), "lot"),
        (lambda: lot_ref(GTIN, "x" * 21), "lot"),
        (lambda: from_barcode("not a barcode"), "barcode"),
        (lambda: from_barcode(f"(01){GTIN}(17)281130"), "barcode"),
        (lambda: from_barcode("(01)12345678901234(10)X"), "barcode"),
        (lambda: from_barcode(""), "barcode"),
    ],
)
def test_a_bad_lookup_names_the_control_to_fix(call: object, field: str) -> None:
    with pytest.raises(BadForm) as refused:
        call()  # type: ignore[operator]
    assert refused.value.field == field


def trace_of(consignees: int = 2) -> m.Trace:
    a, b = "WH1/A/01", "WH1/B/01"
    return m.Trace(
        origin=(
            m.Origin("received", "SUP", 100, T0, a, "PO"),
            m.Origin("returned", "C0", 2, T0, a, None),
        ),
        path=(
            step(1, "received", location=a, qty=100),
            step(2, "moved", from_location=a, to_location=b, qty=30),
            step(3, "moved", from_location=a, to_location=b, qty=5),
            step(4, "moved", from_location=b, to_location=a, qty=1),
            step(5, "disposed", location=b, qty=4),
        ),
        destinations=tuple(
            m.Destination(f"C{i}", 1 + i, T0, f"SO{i}", a) for i in range(consignees)
        ),
    )


def test_the_custody_graph_runs_supplier_to_locations_to_consignees_adding_flows() -> None:
    graph = custody_graph(trace_of())
    columns = {(n.kind, n.name): n.x for n in graph.nodes}
    assert columns[("supplier", "SUP")] < columns[("location", "WH1/A/01")]
    assert columns[("location", "WH1/A/01")] < columns[("location", "WH1/B/01")]
    assert columns[("location", "WH1/B/01")] < columns[("consignee", "C0")]
    assert columns[("consignee", "C0")] == columns[("disposed", "disposed")]
    flows = {(e.source, e.target): (e.qty, e.count, e.kind) for e in graph.edges}
    assert flows[("WH1/A/01", "WH1/B/01")] == (35, 2, "move")
    assert flows[("WH1/B/01", "WH1/A/01")] == (1, 1, "move")
    assert flows[("C0", "WH1/A/01")] == (2, 1, "return")
    assert flows[("WH1/B/01", "Disposed")] == (4, 1, "flow")
    assert flows[("SUP", "WH1/A/01")] == (100, 1, "flow")
    for n in graph.nodes:
        assert n.x + n.w <= graph.width
        assert n.y + n.h <= graph.height


def test_a_lot_shipped_to_thousands_folds_its_consignees_into_one_node() -> None:
    graph = custody_graph(trace_of(consignees=2000))
    consignees = [n for n in graph.nodes if n.kind == "consignee"]
    assert len(consignees) == MAX_PER_COLUMN
    more = next(n for n in consignees if n.name.endswith("more"))
    assert more.name == f"{2000 - MAX_PER_COLUMN + 1} more"
    folded = next(e for e in graph.edges if e.target == more.name)
    assert folded.count == 2000 - MAX_PER_COLUMN + 1
    assert any(n.kind == "disposed" for n in graph.nodes)


def test_timeline_pages_clamp_to_the_stream() -> None:
    path = [step(v, "moved") for v in range(1, 10_001)]
    first = timeline_page(path, 1, 100)
    assert (first.pages, first.total, first.previous, first.next) == (100, 10_000, None, 2)
    last = timeline_page(path, 10**6, 100)
    assert last.page == 100
    assert [s.version for s in last.steps] == list(range(9901, 10_001))
    assert timeline_page([], 3, 100).pages == 1


def verification(ok: bool, matches: bool | None) -> m.Verification:
    cp = None if matches is None else m.CheckpointComparison(7, 4, "h", matches, "rewritten")
    return m.Verification(ok, 5, 5 if ok else 2, None if ok else 3, None, "h", cp)


def test_the_chain_verdict_fails_on_a_broken_chain_or_a_differing_checkpoint() -> None:
    assert m.chain_verdict(verification(True, True)).intact
    assert m.chain_verdict(verification(True, None)).intact
    differs = m.chain_verdict(verification(True, False))
    assert not differs.intact
    assert "DIFFERS from signed checkpoint #7" in differs.checkpoint
    broken = m.chain_verdict(verification(False, True))
    assert not broken.intact
    assert "BROKEN at version 3" in broken.headline


TODAY = date(2026, 5, 1)


def line(lot: str, qty: int, days: int, status: str = "available", wh: str = "WH1") -> StockLine:
    return StockLine(GTIN, lot, f"{wh}/A/01", wh, qty, status, TODAY + timedelta(days=days))


def test_expiry_buckets_and_levels() -> None:
    assert [bucket(TODAY + timedelta(days=d), TODAY) for d in (-1, 0, 29, 30, 89, 179, 180)] == [
        "expired",
        "< 30 days",
        "< 30 days",
        "< 90 days",
        "< 90 days",
        "< 180 days",
        "180 days or more",
    ]
    lines = [
        line("A", 5, -3),
        line("B", 7, 10),
        line("C", 11, 400),
        line("D", 2, 400, "quarantined"),
    ]
    got = {b.name: (b.qty, b.lots) for b in expiry_buckets(lines, TODAY)}
    assert got == {
        "expired": (5, 1),
        "< 30 days": (7, 1),
        "< 90 days": (0, 0),
        "< 180 days": (0, 0),
        "180 days or more": (13, 2),
    }
    products = {GTIN: Product(GTIN, "Insulin", reorder_point=20, max_stock=25)}
    [level] = levels(lines, products, TODAY)
    assert (level.available, level.on_hand, level.state) == (18, 25, "low")
    over = levels([line("E", 30, 400)], products, TODAY)[0]
    assert over.state == "over"
    out = levels([line("F", 3, -1)], products, TODAY)[0]
    assert out.state == "out"


def test_csv_cells_never_start_a_formula() -> None:
    assert [cell(v) for v in ("=HYPERLINK(1)", "+1", "-2", "@x", "\tq", "ok", None, 3)] == [
        "'=HYPERLINK(1)",
        "'+1",
        "'-2",
        "'@x",
        "'\tq",
        "ok",
        "",
        "3",
    ]
    rows = stock_rows([line("=1+1", 4, 10)], {GTIN: "Insulin"}, TODAY)
    assert rows[1][4] == "'=1+1"


def test_recall_rows_list_each_consignee_then_each_location_holding_the_lot() -> None:
    report = m.RecallReport(
        gtin=GTIN,
        lot="L1",
        expiry=TODAY,
        status="recalled",
        recalls=(m.RecallNotice("RC1", "I", "x", T0, "qa"),),
        consignees=(m.ConsigneeExposure("P1", 10, 2, 8, T0, T0, (m.Shipment(10, T0, "SO", "A"),)),),
        shipped_total=10,
        outstanding_total=8,
        on_hand=(m.Balance("WH1/A/01", "WH1", 5, T0),),
        on_hand_total=5,
        generated_at=T0,
    )
    header, consignee, stock = recall_rows("RC1", [report])
    assert consignee[header.index("consignee_or_location")] == "P1"
    assert consignee[header.index("outstanding")] == "8"
    assert stock[header.index("record")] == "on_hand"
    assert stock[header.index("on_hand")] == "5"


def test_stock_is_shown_held_as_the_batch_stopped_it_else_as_its_holdings() -> None:
    line = StockLine("g", "L1", "WH1/A/01", "WH1", 5, "quarantined", date(2030, 1, 1), "available")
    assert (line.held_as, line.on_hold) == ("quarantined", True)
    returned = StockLine("g", "L1", "WH1/Q/01", "WH1", 3, "available", date(2030, 1, 1), "returned")
    assert (returned.held_as, returned.on_hold) == ("returned", True)
    shelf = StockLine("g", "L1", "WH1/A/01", "WH1", 7, "available", date(2030, 1, 1), "available")
    assert (shelf.held_as, shelf.on_hold) == ("available", False)

    on_hand = {"WH1/A/01": 10, "WH1/Q/01": 3, "WH1/B/01": 4}
    held = {"WH1/A/01": {"returned": 3, "held": 0}, "WH1/Q/01": {"pending_inspection": 3}}
    assert holdings_at("available", on_hand, held) == {
        "WH1/A/01": "available 7 · returned 3",
        "WH1/Q/01": "pending_inspection 3",
        "WH1/B/01": "available",
    }
    assert set(holdings_at("recalled", on_hand, held).values()) == {"recalled"}
