"""Named refusals. Domain code raises these; the HTTP edge maps them once to RFC 9457
problems (status and type live in each service's problem map, not here)."""

from __future__ import annotations

from typing import Any

PROBLEM_MEMBERS = frozenset({"type", "title", "status", "detail", "instance"})
"""RFC 9457's members: the problem's own, never a refusal's facts."""
RESERVED_CONTEXT = PROBLEM_MEMBERS | {"errors"}
"""Names a refusal's context may not use: the problem's members and its field errors."""


class DomainError(Exception):
    """A rule refused a command. `field` names the input at fault when there is one;
    `context` carries machine-readable facts (e.g. available quantity) under names outside
    RESERVED_CONTEXT (a batch's status is `batch_status`, never `status`)."""

    def __init__(self, detail: str, *, field: str | None = None, **context: Any) -> None:
        if clashing := RESERVED_CONTEXT.intersection(context):
            raise TypeError(f"refusal context uses reserved member(s) {sorted(clashing)}")
        super().__init__(detail)
        self.detail = detail
        self.field = field
        self.context = context


class NotFound(DomainError):
    """The named product, location, batch or resource does not exist."""


class Conflict(DomainError):
    """The request contradicts the current state (e.g. a different body under the same
    idempotency key)."""
