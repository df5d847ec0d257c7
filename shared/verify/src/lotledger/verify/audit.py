"""Checking a log with nothing but the public keys: every signed checkpoint against the
stock records it covers, every batch's hash chain, and exported copies of batches
(an event store's answer) against what was published. Pure: the caller reads Kafka or
files; this module judges."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from lotledger.verify.chain import GENESIS, chain_hash, content_hashes
from lotledger.verify.merkle import Frontier, verify_inclusion
from lotledger.verify.statement import (
    Head,
    Statement,
    check_signature,
    event_leaf,
    heads_digest,
    heads_of,
    leaf_of,
)


@dataclass(frozen=True)
class Finding:
    """One thing that does not verify; `stream`/`version` name the batch event when the
    finding is about one."""

    where: str
    reason: str
    stream: str | None = None
    version: int | None = None

    def __str__(self) -> str:
        at = f" batch {self.stream} version {self.version}:" if self.stream else ""
        return f"{self.where}:{at} {self.reason}"


@dataclass(frozen=True)
class StockRecord:
    partition: int
    offset: int
    envelope: Mapping[str, Any] | None


@dataclass(frozen=True)
class SignedCheckpoint:
    statement: Statement
    signature: str
    heads: list[Head]


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    checkpoints: int = 0
    events: int = 0
    streams: int = 0
    uncovered: int = 0
    published: dict[tuple[str, int], str] = field(default_factory=dict)
    """(stream, version) → hash of the first such event on the stock topic."""

    @property
    def ok(self) -> bool:
        return not self.findings


def check_log(
    checkpoints: Sequence[SignedCheckpoint],
    records: Mapping[int, Sequence[StockRecord]],
    keys: Mapping[str, bytes],
) -> Report:
    """`records` per partition in offset order, from offset 0."""
    report = Report()
    _check_chains(records, report)
    _check_checkpoints(checkpoints, records, keys, report)
    return report


def _check_chains(records: Mapping[int, Sequence[StockRecord]], report: Report) -> None:
    last: dict[str, tuple[int, str]] = {}
    broken: set[str] = set()
    for partition in sorted(records):
        for record in records[partition]:
            head = leaf_of(record.envelope) if record.envelope is not None else None
            if head is None or record.envelope is None:
                continue
            stream, version, event_hash = head
            report.events += 1
            report.published.setdefault((stream, version), event_hash)
            if stream in broken:
                continue
            prev_version, prev_hash = last.get(stream, (0, GENESIS))
            reason = None
            if version == prev_version and event_hash == prev_hash:
                continue
            if version != prev_version + 1:
                reason = f"version {prev_version + 1} is missing from the stock topic"
                version = prev_version + 1
            elif record.envelope.get("prevhash") != prev_hash:
                reason = "prevhash does not match the previous event's hash"
            elif chain_hash(prev_hash, record.envelope) != event_hash:
                reason = "hash does not match the event content"
            if reason:
                broken.add(stream)
                report.findings.append(
                    Finding(f"stock topic partition {partition}", reason, stream, version)
                )
                continue
            last[stream] = (version, event_hash)
    report.streams = len(last) + len(broken - set(last))


def _check_checkpoints(
    checkpoints: Sequence[SignedCheckpoint],
    records: Mapping[int, Sequence[StockRecord]],
    keys: Mapping[str, bytes],
    report: Report,
) -> None:
    frontier = Frontier()
    covered: dict[int, int] = {}
    previous: Statement | None = None
    streams: set[str] = set()
    for signed in checkpoints:
        st = signed.statement
        where = f"checkpoint {st.checkpoint}"
        problem = check_signature(st, signed.signature, keys)
        if problem:
            report.findings.append(Finding(where, problem))
        expected = None if previous is None else previous.checkpoint + 1
        if expected is not None and st.checkpoint != expected:
            report.findings.append(Finding(where, f"checkpoint {expected} is missing"))
        if previous is not None and (
            st.previous is None
            or st.previous.get("tree_size") != previous.tree_size
            or st.previous.get("root") != previous.root
        ):
            report.findings.append(Finding(where, "does not name the checkpoint before it"))
        leaves: list[Head] = []
        for partition in sorted(st.offsets):
            start, end = covered.get(partition, 0), st.offsets[partition]
            for record in records.get(partition, ()):
                if start <= record.offset < end and record.envelope is not None:
                    head = leaf_of(record.envelope)
                    if head is not None:
                        leaves.append(head)
            if end > (records[partition][-1].offset + 1 if records.get(partition) else 0):
                report.findings.append(
                    Finding(where, f"covers offsets of partition {partition} the topic lacks")
                )
        for stream, version, event_hash in leaves:
            frontier.append(event_leaf(stream, version, event_hash))
            if version == 1:
                streams.add(stream)
        if frontier.size != st.tree_size or frontier.root().hex() != st.root:
            report.findings.append(
                Finding(where, "its root is not the root of the stock records it covers")
            )
        if heads_digest(signed.heads) != st.heads_digest or signed.heads != heads_of(leaves):
            report.findings.append(Finding(where, "its heads are not those of its records"))
        if st.streams != len(streams):
            report.findings.append(
                Finding(where, f"says {st.streams} batches; the log has {len(streams)}")
            )
        covered = dict(st.offsets)
        previous = st
        report.checkpoints += 1
    for partition, partition_records in records.items():
        report.uncovered += sum(
            1
            for r in partition_records
            if r.offset >= covered.get(partition, 0)
            and r.envelope is not None
            and leaf_of(r.envelope) is not None
        )


def check_export(
    name: str,
    stream: str,
    events: Sequence[Mapping[str, Any]],
    published: Mapping[tuple[str, int], str],
) -> Finding | None:
    """An exported copy of a batch (e.g. an event store's `/events`) against the events
    published on the stock topic: the first version that differs, is missing, or was
    never published."""
    hashes = content_hashes(events)
    for position, recomputed in enumerate(hashes, start=1):
        stored_version = events[position - 1].get("streamversion")
        logged = published.get((stream, position))
        if stored_version != position:
            return Finding(name, "this version is missing from the copy", stream, position)
        if logged is None:
            return Finding(name, "this version was never published", stream, position)
        if logged != recomputed:
            return Finding(name, "differs from the published event", stream, position)
    following = len(hashes) + 1
    if (stream, following) in published:
        return Finding(name, "this published version is missing from the copy", stream, following)
    return None


def check_bundle(
    name: str,
    events: Sequence[Mapping[str, Any]],
    proofs: Iterable[Mapping[str, Any]],
    keys: Mapping[str, bytes],
) -> list[Finding]:
    """Offline: a batch's events with the proofs `/proof` answered for its versions."""
    findings: list[Finding] = []
    hashes = content_hashes(events)
    mismatches: list[Finding] = []
    for proof in sorted(proofs, key=lambda p: int(p["version"])):
        checkpoint = proof["checkpoint"]
        where = f"{name} checkpoint {checkpoint['id']}"
        statement = Statement.from_dict(_json(checkpoint["payload"]))
        problem = check_signature(statement, checkpoint["signature"], keys)
        if problem:
            findings.append(Finding(where, problem))
            continue
        stream, version, logged = proof["batch_id"], int(proof["version"]), proof["hash"]
        if not verify_inclusion(
            int(proof["leaf_index"]),
            statement.tree_size,
            event_leaf(stream, version, logged),
            [bytes.fromhex(p) for p in proof["inclusion"]],
            bytes.fromhex(statement.root),
        ):
            findings.append(Finding(where, "the inclusion proof does not verify", stream, version))
            continue
        if version > len(hashes):
            mismatches.append(
                Finding(name, "this version is missing from the copy", stream, version)
            )
        elif hashes[version - 1] != logged:
            mismatches.append(Finding(name, "differs from the signed event", stream, version))
    return findings + mismatches[:1]


def _json(text: str) -> dict[str, Any]:
    import orjson

    body = orjson.loads(text)
    if not isinstance(body, dict):
        raise ValueError("a statement is a JSON object")
    return body
