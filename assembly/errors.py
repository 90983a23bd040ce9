"""Errors an action raises. Views and consumers turn them into clear messages."""

from django.core.exceptions import PermissionDenied


class ActionError(Exception):
    """The request cannot be done as asked; the message says why, for the person."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class NotAllowed(ActionError):
    """The person's role does not allow this."""


class SecondFactorRequired(PermissionDenied):
    """The assembly requires two-factor authentication of its stewards and facilitators,
    and this one has not set it up. Pages answer with the way to set it up."""

    def __init__(self, membership):
        super().__init__("two-factor authentication required")
        self.membership = membership


class LoginRequired(Exception):
    """A page of an assembly asked for by someone signed out: the login page, then the
    page (assembly.locale.LocaleMiddleware answers it). The same answer whether or not
    the assembly exists, so nothing is revealed."""
