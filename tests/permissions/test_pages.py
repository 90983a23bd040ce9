"""Every URL, asked by every person with GET and POST, answers as tests/permissions/table.py
says; a refused request changes nothing in the database; an allowed POST does.

Each row is one test. The world is built once per module (in each test process), in a
transaction that is rolled back when the module is done; each test runs in a savepoint
of its own that is rolled back (pytest-django's `db`, nested in it), and each request in
another, with an empty cache, so every row and every person meets the same world.

A "not found" names nothing of the assembly (nothing is revealed). Every answer, whoever
asks, also keeps the page-wide promises:
- the Content-Security-Policy header, 'self' only (README: "Content-Security-Policy
  'self' only, no inline scripts; nothing is loaded from another host");
- HTML without inline scripts, styles or event handlers, loading nothing from elsewhere;
- no one's email address but the reader's own (privacy page: "Other members never see it").
Checked: a row removed from the table, a status changed in a view (e.g. `members`
answering 200 to plain members), `@csp_exempt` on the projector view, 'unsafe-inline'
added to style-src, and an email shown on the member page each fail here.
"""

import sys

import pytest
from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.utils import translation

from tests.conftest import make_cast, user_of
from tests.pages import page_problems
from tests.permissions import world as world_module
from tests.permissions.table import CASES, Same
from tests.permissions.world import PEOPLE, PROJECTOR

# What only members know: a 404 ("no such page") must not say any of it.
PRIVATE_NAMES = ["Eastside", "Rapid Response", "Marta", "General assembly", "Phone tree",
                 "Drop-off watch", "Rent strike", "laundromat", "Pine Ave", "Oak St depot",
                 "Cedar"]  # fmt: skip


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, media):
    with django_db_blocker.unblock():
        built = transaction.atomic()
        built.__enter__()
        try:
            with translation.override(settings.LANGUAGE_CODE):
                world = world_module.build(make_cast())
        except BaseException:
            built.__exit__(*sys.exc_info())
            raise
    yield world
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        built.__exit__(None, None, None)


def user_of_world(world, who):
    return None if who in ("anonymous", PROJECTOR) else user_of(world, who)


def people_clients(world):
    clients = {}
    for who in [*PEOPLE, PROJECTOR]:
        clients[who] = Client()
        user = user_of_world(world, who)
        if user is not None:
            clients[who].force_login(user)
    return clients


def database():
    """Every row of every table, to tell whether a request changed anything: each model's
    table read whole, every column as stored, in primary key order (plain SQL, without
    building the ORM's values)."""
    rows = {}
    with connection.cursor() as cursor:
        for model in apps.get_models():
            table = connection.ops.quote_name(model._meta.db_table)
            pk = connection.ops.quote_name(model._meta.pk.column)
            cursor.execute(f"SELECT * FROM {table} ORDER BY {pk}")  # noqa: S608
            rows[model._meta.label] = cursor.fetchall()
    return rows


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_every_person_gets_the_stated_answer(db, world, case):
    clients = people_clients(world)
    path = case.path(world)
    before = database()
    wrong = []
    for method, table in (("GET", case.get), ("POST", case.post)):
        for who, want in table.items():
            client = clients[who]
            cache.clear()  # nor the public pages' rate limits (trainings/ratelimit.py)
            with transaction.atomic():
                if method == "GET":
                    response = client.get(path)
                else:
                    response = client.post(path, case.data(world))
                got = response.status_code
                refused = want >= 400
                must_stay = refused or isinstance(want, Same)
                must_change = method == "POST" and not must_stay
                changed = database() != before if (must_stay or must_change) else None
                transaction.set_rollback(True)
            if got == 404:
                shown = [n for n in PRIVATE_NAMES if n in response.content.decode()]
                if shown:
                    wrong.append(f"{method} as {who}: a 404 that names {shown}")
            if got != want:
                wrong.append(f"{method} as {who}: {got}, not {want}")
            elif must_stay and changed:
                wrong.append(f"{method} as {who}: {got}, but the database changed")
            elif must_change and not changed:
                wrong.append(f"{method} as {who}: {got}, but nothing changed")
            user = user_of_world(world, who)
            for problem in page_problems(response, user.email if user else None):
                wrong.append(f"{method} as {who}: {problem}")
    assert not wrong, f"{case.id} {path}:\n" + "\n".join(wrong)
