"""The traceability domain's refusals as problem types (the shared handlers map them)."""

from __future__ import annotations

from lotledger.shared.errors import DomainError
from lotledger.shared.web.problems import ProblemSpec
from lotledger.traceability.domain import errors as e

PROBLEMS: dict[type[DomainError], ProblemSpec] = {
    e.UnknownLot: ProblemSpec(404, "unknown-lot", "Unknown lot"),
    e.UnknownLocation: ProblemSpec(404, "unknown-location", "Unknown location"),
    e.UnknownExcursion: ProblemSpec(404, "unknown-excursion", "Unknown excursion"),
    e.EmptyWindow: ProblemSpec(422, "invalid-input", "Invalid input"),
    e.WindowTooLong: ProblemSpec(422, "invalid-input", "Invalid input"),
    e.NaiveTimestamp: ProblemSpec(422, "invalid-input", "Invalid input"),
}
