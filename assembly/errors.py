"""Errors an action raises. Views and consumers turn them into clear messages."""


class ActionError(Exception):
    """The request cannot be done as asked; the message says why, for the person."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class NotAllowed(ActionError):
    """The person's role does not allow this."""
