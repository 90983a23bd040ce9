"""Fixtures of the app folders that the promise tests use too."""

from tests.decisions.conftest import proposal  # noqa: F401
from tests.meetings.conftest import meeting, running  # noqa: F401
