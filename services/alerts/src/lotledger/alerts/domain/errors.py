"""Named refusals of the alerts domain; the HTTP edge maps them once to problems."""

from __future__ import annotations

from lotledger.shared.errors import Conflict, DomainError, NotFound


class UnknownAlert(NotFound):
    pass


class InvalidTransition(Conflict):
    """The alert's status does not allow the requested change."""


class AlertAlreadyAcknowledged(InvalidTransition):
    pass


class AlertAlreadyResolved(InvalidTransition):
    """A resolved alert never changes again; a new occurrence raises a new alert."""


class ActorRequired(DomainError):
    """Acknowledging or resolving names the person doing it."""


class ConditionOutsideScope(DomainError):
    """An evaluation reported a condition outside the scope it claims to have looked at."""


class DuplicateCondition(DomainError):
    """An evaluation reported two conditions with the same key."""


class DuplicateOpenAlert(DomainError):
    """The open alerts handed in break the one-open-alert-per-key invariant."""


class UnknownSubscription(NotFound):
    """No webhook subscription with that id (or it was deleted)."""
