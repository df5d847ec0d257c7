"""`lotledger-verify`: check lotledger's published records with only the public key(s).

    lotledger-verify --key KEY [--key OLD_KEY] --bootstrap HOST:PORT [--topic-prefix P]
                     [--export batch-events.json ...]
    lotledger-verify --key KEY --bundle batch-bundle.json

With `--bootstrap` it reads the stock and checkpoint topics from offset zero and checks
every batch's hash chain, every checkpoint's signature, root, heads and succession, and
compares each `--export` (a batch's events as `GET /v1/batches/{gtin}/{lot}/events`
answered) with what was published. With `--bundle` (that answer plus the `proofs` of
`GET …/proof?version=` for its versions) it needs no network at all. Each finding names
the checkpoint, or the batch and the first version that does not match; the exit code
is 1 when anything does not verify, 2 on bad usage.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

import orjson

from lotledger.verify.audit import Finding, Report, check_bundle, check_export, check_log
from lotledger.verify.kafka_log import read_topic, signed_checkpoints, stock_records, topics
from lotledger.verify.statement import key_id, public_key


def _keys(values: list[str]) -> dict[str, bytes]:
    keys: dict[str, bytes] = {}
    for value in values:
        path = Path(value)
        raw = public_key(path.read_bytes() if path.is_file() else value)
        keys[key_id(raw)] = raw
    return keys


def _load(path: str) -> dict[str, Any]:
    body = orjson.loads(Path(path).read_bytes())
    if not isinstance(body, dict) or not isinstance(body.get("events"), list):
        raise ValueError(f"{path}: expected an object with `events` (GET …/events)")
    return body


def _stream(body: dict[str, Any], path: str) -> str:
    stream = body.get("batch_id") or (body["events"][0].get("subject") if body["events"] else None)
    if not isinstance(stream, str):
        raise ValueError(f"{path}: no batch id")
    return stream


async def verify_kafka(
    bootstrap: str, prefix: str, keys: dict[str, bytes], exports: list[str]
) -> Report:
    stock_topic, checkpoint_topic = topics(prefix)
    stock = stock_records(await read_topic(bootstrap, stock_topic))
    checkpoints = signed_checkpoints(await read_topic(bootstrap, checkpoint_topic))
    report = check_log(checkpoints, stock, keys)
    if not checkpoints:
        report.findings.append(Finding(checkpoint_topic, "holds no signed checkpoint"))
    for path in exports:
        body = _load(path)
        finding = check_export(path, _stream(body, path), body["events"], report.published)
        if finding:
            report.findings.append(finding)
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="lotledger-verify",
        description="Verify lotledger's hash chains and signed checkpoints with the public key.",
    )
    parser.add_argument(
        "--key", action="append", required=True, help="public key: PEM or base64, or a file"
    )
    parser.add_argument("--bootstrap", help="Kafka bootstrap servers (read-only access)")
    parser.add_argument("--topic-prefix", default="")
    parser.add_argument("--export", action="append", default=[], help="a batch's /events JSON")
    parser.add_argument(
        "--bundle", action="append", default=[], help="/events JSON with `proofs` (offline)"
    )
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    args = parser.parse_args(argv)
    if not args.bootstrap and not args.bundle:
        parser.error("give --bootstrap (the topics) or --bundle (offline)")
    if args.export and not args.bootstrap:
        parser.error("--export compares with the topics: give --bootstrap")
    try:
        keys = _keys(args.key)
        report = (
            asyncio.run(verify_kafka(args.bootstrap, args.topic_prefix, keys, args.export))
            if args.bootstrap
            else Report()
        )
        for path in args.bundle:
            body = _load(path)
            report.findings.extend(check_bundle(path, body["events"], body.get("proofs", []), keys))
    except (OSError, ValueError, KeyError) as exc:
        sys.stderr.write(f"lotledger-verify: {exc}\n")
        return 2
    _print(report, args.json)
    return 0 if report.ok else 1


def _print(report: Report, as_json: bool) -> None:
    if as_json:
        body = {
            "ok": report.ok,
            "checkpoints": report.checkpoints,
            "events": report.events,
            "batches": report.streams,
            "uncovered": report.uncovered,
            "findings": [
                {"where": f.where, "batch": f.stream, "version": f.version, "reason": f.reason}
                for f in report.findings
            ],
        }
        sys.stdout.write(orjson.dumps(body, option=orjson.OPT_INDENT_2).decode() + "\n")
        return
    for finding in report.findings:
        sys.stdout.write(f"FAIL {finding}\n")
    verdict = "OK" if report.ok else "NOT VERIFIED"
    sys.stdout.write(
        f"{verdict}: {report.checkpoints} checkpoints, {report.events} events in "
        f"{report.streams} batches, {report.uncovered} events not yet in a checkpoint\n"
    )


if __name__ == "__main__":
    raise SystemExit(main())
