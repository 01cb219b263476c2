"""Domain errors raised by actions and access checks, mapped once to HTTP by the API and pages."""

from __future__ import annotations


class DomainError(Exception):
    """Base class: a message a user can read."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    """The object does not exist or is not visible to the caller: the two look the same."""

    def __init__(self, what: str = "object", key: str | None = None) -> None:
        text = f"{what} {key!r} not found" if key is not None else f"{what} not found"
        super().__init__(text[0].upper() + text[1:])


class Forbidden(DomainError):
    """The caller may see the object but their role does not allow this action."""

    def __init__(self, message: str = "Your role does not allow this action.") -> None:
        super().__init__(message)


class Invalid(DomainError):
    """Bad input: names the field that is wrong."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.reason = message


class Conflict(DomainError):
    """A unique key is already taken, or the object's state forbids the change."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field
