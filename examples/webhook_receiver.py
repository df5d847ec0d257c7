"""An ERP-side webhook receiver for lotledger: verifies every request with the Standard
Webhooks library and processes each delivery once.

It uses only `standardwebhooks` (PyPI; the same library exists for JavaScript, Go, Java,
C#, PHP, Ruby, Rust, …) and the standard library (http.server, SQLite), as an ERP team
would start. What it gets right:

- verification: `Webhook(secret).verify(body, headers)` checks `webhook-signature` over
  the `webhook-id`, the `webhook-timestamp` and the exact bytes received, and refuses a
  timestamp more than 5 minutes from now. A tampered request, or a captured one replayed
  later, is answered 401;
- once per delivery: the `webhook-id` is stored in the same SQLite transaction as the
  event it carries. A request whose id is already stored is a replay, or a retry whose
  answer was lost: it is answered 200, so lotledger stops retrying, and not processed;
- the answer: 2xx only once the event is stored; anything else makes lotledger retry the
  same delivery (same `webhook-id`) with backoff.

    LOTLEDGER_WEBHOOK_SECRET=whsec_... uv run python examples/webhook_receiver.py \\
        --port 8085 --db inbox.sqlite
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import threading
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from standardwebhooks import Webhook, WebhookVerificationError

SCHEMA = """
CREATE TABLE IF NOT EXISTS inbox (webhook_id TEXT PRIMARY KEY, event_id TEXT NOT NULL,
                                  type TEXT NOT NULL, subject TEXT, event TEXT NOT NULL);
"""
MAX_BODY = 1 << 20


class Inbox:
    """Verified events, each stored once under its `webhook-id`."""

    def __init__(self, path: Path | str, secret: str) -> None:
        self.webhook = Webhook(secret)
        self.db = sqlite3.connect(path, check_same_thread=False)
        self.db.executescript(SCHEMA)
        self.lock = threading.Lock()

    def receive(self, headers: Mapping[str, str], body: bytes) -> tuple[int, str]:
        """The HTTP status and reason for one request."""
        try:
            event = self.webhook.verify(body, dict(headers))
        except (WebhookVerificationError, ValueError) as exc:
            return 401, f"not verified: {exc}"
        webhook_id = {k.lower(): v for k, v in headers.items()}["webhook-id"]
        with self.lock, self.db:
            fresh = self.db.execute(
                "INSERT OR IGNORE INTO inbox VALUES (?, ?, ?, ?, ?)",
                (webhook_id, event["id"], event["type"], event.get("subject"), body.decode()),
            ).rowcount
        return (204, "stored") if fresh else (200, "already processed")

    def events(self) -> list[dict[str, Any]]:
        with self.lock:
            rows = self.db.execute("SELECT event FROM inbox ORDER BY rowid").fetchall()
        return [json.loads(event) for (event,) in rows]


def server(inbox: Inbox, host: str, port: int) -> ThreadingHTTPServer:
    """An HTTP server posting every request to `inbox` (`port` 0 picks a free one)."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY:
                self.send_error(413)
                return
            status, reason = inbox.receive(dict(self.headers.items()), self.rfile.read(length))
            self.send_response(status, reason)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            return

    return ThreadingHTTPServer((host, port), Handler)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8085)
    parser.add_argument("--db", type=Path, default=Path("webhook-inbox.sqlite"))
    args = parser.parse_args()
    inbox = Inbox(args.db, os.environ["LOTLEDGER_WEBHOOK_SECRET"])
    with server(inbox, args.host, args.port) as http:
        print(f"receiving on http://{args.host}:{http.server_address[1]}/")
        http.serve_forever()


if __name__ == "__main__":
    main()
