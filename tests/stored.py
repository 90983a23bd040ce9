"""Everything the database holds, as text: for tests of what must never be stored."""

import json

from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.core import signing
from django.db import connection


def _decoded_session(data):
    """A session row's data, decoded (it is signed, compressed JSON): decoding fails
    loudly rather than hiding what a session holds."""
    store = SessionStore()
    return signing.loads(data, salt=store.key_salt, serializer=store.serializer)


def stored_values():
    """(table, column, text) for every non-empty value in every table of the database.
    Session rows are also given decoded, as JSON."""
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            columns = [c[0] for c in cursor.description]
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    if value is None:
                        continue
                    if isinstance(value, memoryview):
                        value = value.tobytes()
                    text = value.decode("latin-1") if isinstance(value, bytes) else str(value)
                    found.append((table, column, text))
                    if table == "django_session" and column == "session_data":
                        decoded = json.dumps(_decoded_session(text), ensure_ascii=False)
                        found.append((table, "session_data, decoded", decoded))
    return found


def where_stored(*needles):
    """Where any of these strings appears in the database: [(table, column, needle)]."""
    return [
        (table, column, needle)
        for table, column, text in stored_values()
        for needle in needles
        if needle and needle in text
    ]
