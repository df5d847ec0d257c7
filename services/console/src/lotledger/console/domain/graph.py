"""The custody graph: from suppliers through the locations the lot stood at to its
consignees (and disposal), laid out in columns for an inline SVG.

Columns: suppliers; locations by how many moves from a receiving location first reached
them (breadth-first); consignees and the disposal sink. Edges add up every flow between
the same two nodes (quantity and count). A return runs from a consignee back to a
location and is drawn dashed. At most `MAX_PER_COLUMN` nodes per column: the rest are
folded into one "… more" node, so a lot shipped to thousands stays drawable.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from lotledger.console.domain.lots import Trace

MAX_PER_COLUMN = 30
NODE_W, NODE_H, ROW_H, COL_W, MARGIN = 180, 40, 56, 260, 16
LABEL_CHARS = 22

NodeKey = tuple[str, str]
"""(kind, name): kind is supplier, location, consignee or disposed."""


@dataclass(frozen=True)
class NodeBox:
    kind: str
    name: str
    label: str
    x: int
    y: int
    w: int = NODE_W
    h: int = NODE_H


@dataclass(frozen=True)
class EdgePath:
    source: str
    target: str
    qty: int
    count: int
    kind: str
    """flow, move or return."""
    d: str
    label_x: float
    label_y: float


@dataclass(frozen=True)
class CustodyGraph:
    width: int
    height: int
    nodes: tuple[NodeBox, ...]
    edges: tuple[EdgePath, ...]


@dataclass
class _Flow:
    qty: int = 0
    count: int = 0


def custody_graph(trace: Trace) -> CustodyGraph:
    flows: dict[tuple[NodeKey, NodeKey], _Flow] = defaultdict(_Flow)

    def add(source: NodeKey, target: NodeKey, qty: int | None) -> None:
        flow = flows[(source, target)]
        flow.qty += qty or 0
        flow.count += 1

    for o in trace.origin:
        kind = "consignee" if o.kind == "returned" else "supplier"
        add((kind, o.party), ("location", o.location), o.qty)
    for step in trace.path:
        if step.type == "moved" and step.from_location and step.to_location:
            add(("location", step.from_location), ("location", step.to_location), step.qty)
        elif step.type == "disposed" and step.location:
            add(("location", step.location), ("disposed", "disposed"), step.qty)
    for d in trace.destinations:
        add(("location", d.location), ("consignee", d.consignee), d.qty)
    columns = _columns(flows)
    folded = {key: _fold(keys) for key, keys in columns.items()}
    rename = {k: shown for keys in folded.values() for k, shown in keys.items()}
    merged: dict[tuple[NodeKey, NodeKey], _Flow] = defaultdict(_Flow)
    for (s, t), flow in flows.items():
        m = merged[(rename[s], rename[t])]
        m.qty += flow.qty
        m.count += flow.count
    boxes: dict[NodeKey, NodeBox] = {}
    for col, keys in sorted(folded.items()):
        for row, key in enumerate(dict.fromkeys(keys.values())):
            boxes[key] = NodeBox(
                kind=key[0],
                name=key[1],
                label=_label(key),
                x=MARGIN + col * COL_W,
                y=MARGIN + row * ROW_H,
            )
    edges = tuple(_edge(boxes[s], boxes[t], flow) for (s, t), flow in merged.items() if s in boxes)
    width = MARGIN * 2 + max((b.x + b.w for b in boxes.values()), default=0)
    height = MARGIN * 2 + max((b.y + b.h for b in boxes.values()), default=0)
    return CustodyGraph(width, height, tuple(boxes.values()), edges)


def _columns(flows: dict[tuple[NodeKey, NodeKey], _Flow]) -> dict[int, list[NodeKey]]:
    """Column → its nodes in first-seen order."""
    order: list[NodeKey] = list(dict.fromkeys(k for pair in flows for k in pair))
    moves: dict[NodeKey, list[NodeKey]] = defaultdict(list)
    depth: dict[NodeKey, int] = {}
    for s, t in flows:
        if s[0] == "location" and t[0] == "location":
            moves[s].append(t)
        if t[0] == "location" and s[0] != "location":
            depth.setdefault(t, 1)
    queue = [k for k in order if k in depth]
    for key in queue:
        for nxt in moves[key]:
            if nxt not in depth:
                depth[nxt] = depth[key] + 1
                queue.append(nxt)
    for key in order:
        if key[0] == "location":
            depth.setdefault(key, 1)
    last = max(depth.values(), default=1) + 1
    columns: dict[int, list[NodeKey]] = defaultdict(list)
    for key in order:
        if key[0] == "supplier":
            columns[0].append(key)
        elif key[0] == "location":
            columns[depth[key]].append(key)
    ends = [k for k in order if k[0] == "consignee"] + [k for k in order if k[0] == "disposed"]
    if ends:
        columns[last] = ends
    return columns


def _fold(keys: list[NodeKey]) -> dict[NodeKey, NodeKey]:
    """Keep the first nodes of a column; fold the rest into one (disposal is never folded)."""
    foldable = [k for k in keys if k[0] != "disposed"]
    if len(foldable) <= MAX_PER_COLUMN:
        return {k: k for k in keys}
    kept = set(foldable[: MAX_PER_COLUMN - 1])
    more: NodeKey = (foldable[-1][0], f"{len(foldable) - len(kept)} more")
    return {k: (k if k in kept or k[0] == "disposed" else more) for k in keys}


def _label(key: NodeKey) -> str:
    kind, name = key
    if kind == "disposed":
        return "Disposed"
    return name if len(name) <= LABEL_CHARS else name[: LABEL_CHARS - 1] + "…"


def _name(box: NodeBox) -> str:
    return "Disposed" if box.kind == "disposed" else box.name


def _edge(a: NodeBox, b: NodeBox, flow: _Flow) -> EdgePath:
    if a.kind == "consignee":
        kind = "return"
    elif a.kind == b.kind == "location":
        kind = "move"
    else:
        kind = "flow"
    x0, y0 = a.x + a.w, a.y + a.h / 2
    x3, y3 = b.x, b.y + b.h / 2
    if b.x > a.x:
        bend = (x3 - x0) / 2
        c1, c2 = (x0 + bend, y0), (x3 - bend, y3)
    else:
        x3 = b.x + b.w
        c1, c2 = (x0 + 60, y0 + 40), (x3 + 60, y3 + 40)
        if kind == "return":
            x0, y0 = a.x, a.y + a.h / 2
            c1, c2 = (x0 - 60, y0 + 40), (x3 + 60, y3 + 40)
    d = f"M{x0:.0f},{y0:.0f} C{c1[0]:.0f},{c1[1]:.0f} {c2[0]:.0f},{c2[1]:.0f} {x3:.0f},{y3:.0f}"
    lx = (x0 + 3 * c1[0] + 3 * c2[0] + x3) / 8
    ly = (y0 + 3 * c1[1] + 3 * c2[1] + y3) / 8
    return EdgePath(_name(a), _name(b), flow.qty, flow.count, kind, d, lx, ly - 4)
