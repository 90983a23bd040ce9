"""Finding 10: the 500 page renders with the database down (its context must need
neither the session nor any query)."""

from django.db import OperationalError, connections
from django.test import Client


def test_the_500_page_renders_while_the_database_is_down(cast, monkeypatch):
    client = Client(raise_request_exception=False)
    client.force_login(cast.member.user)

    def down(*args, **kwargs):
        raise OperationalError("could not connect to server: Connection refused")

    with monkeypatch.context() as broken:
        broken.setattr(connections["default"], "_cursor", down)
        response = client.get("/a/eastside/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "Something went wrong" in body
    assert "Traceback" not in body and "Connection refused" not in body
