"""What can go wrong behind a screen, as named values the entrypoints map once to a page
(or, for the console's JSON endpoints, to problem+json)."""

from __future__ import annotations


class ConsoleError(Exception):
    """Base: `detail` is safe to show the user (it never carries a stack or a token)."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class SignedOut(ConsoleError):
    """No session, or an API answered 401: the user signs in again."""


class NotAllowed(ConsoleError):
    """An API answered 403: outside the user's roles or warehouses."""


class Missing(ConsoleError):
    """An API answered 404, or the console has no such page."""


class Refused(ConsoleError):
    """An API refused an action by its state or rules (409, 422): shown, not retried."""


class Unavailable(ConsoleError):
    """An API could not be reached or failed (5xx, timeout)."""


class BadForm(ConsoleError):
    """A form the user filled in does not hold (`field` names the control)."""

    def __init__(self, detail: str, field: str) -> None:
        super().__init__(detail)
        self.field = field


class CsrfRejected(ConsoleError):
    """A state-changing form arrived without the session's CSRF token."""
