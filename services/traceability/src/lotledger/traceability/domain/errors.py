"""Named refusals of the traceability domain. They derive from the shared `DomainError`
so the HTTP edge maps them once, like inventory's."""

from __future__ import annotations

from lotledger.shared.errors import DomainError, NotFound


class NoCoverage(DomainError):
    """No reading covers any part of the requested time, so no climate figure exists."""


class BelowAbsoluteZero(DomainError):
    """A temperature at or below −273.15 °C cannot enter an Arrhenius average."""


class NaiveTimestamp(DomainError):
    """A time without a UTC offset cannot be ordered against the event stream."""


class EmptyWindow(DomainError):
    """A window's end is not after its start."""


class UnknownLot(NotFound):
    """No event of this lot has been projected."""


class UnknownExcursion(NotFound):
    """No excursion with this id has been detected."""


class UnknownLocation(NotFound):
    """The catalog copy has no such location."""


class WindowTooLong(DomainError):
    """A climate window longer than the service answers in one request."""
