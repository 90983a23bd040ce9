"""Every URL pattern and every live stream kind has a row in the permission tables.

A new view or stream kind without a row (or an EXEMPT entry saying why) fails here, so
it cannot ship without someone deciding who may use it. Checked: removing any row from
CASES or STREAMS, or registering a new stream kind, fails these tests.
"""

from django.urls import URLPattern, URLResolver, get_resolver

from assembly import live
from tests.permissions.table import CASES, EXEMPT, FOREIGN, PROBE_FACETS, STREAMS
from tests.permissions.world import PEOPLE, PROJECTOR


def url_patterns(resolver=None, prefix=""):
    """(route, name) of every URL pattern the site answers, nested includes walked."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from url_patterns(pattern, route)
        elif isinstance(pattern, URLPattern):
            yield route, pattern.name


def own_patterns():
    return [(route, name) for route, name in url_patterns() if not route.startswith(tuple(FOREIGN))]


def test_every_url_pattern_has_a_row_or_a_stated_exemption():
    named = {name for _route, name in own_patterns()}
    unnamed = [route for route, name in own_patterns() if not name]
    assert not unnamed, f"give these URL patterns a name so the table can refer to them: {unnamed}"
    tabled = {case.name for case in CASES}
    missing = sorted(named - tabled - set(EXEMPT))
    assert not missing, f"URL patterns with no row in tests/permissions/table.py: {missing}"
    stale = sorted((tabled | set(EXEMPT)) - named)
    assert not stale, f"rows for URL patterns that no longer exist: {stale}"
    assert all(reason.strip() for reason in EXEMPT.values())


def test_the_foreign_apps_are_where_the_table_says():
    routes = [route for route, _name in url_patterns()]
    for prefix in FOREIGN:
        assert any(route.startswith(prefix) for route in routes), prefix


def test_every_row_states_every_persons_answer():
    for case in CASES:
        people = [*PEOPLE, PROJECTOR] if case.projector else PEOPLE
        for method, table in (("GET", case.get), ("POST", case.post)):
            assert sorted(table) == sorted(people), (case.id, method)
            assert all(isinstance(status, int) for status in table.values()), (case.id, method)
    ids = [case.id for case in CASES]
    assert len(ids) == len(set(ids)), "two rows with the same name need different labels"


def test_every_registered_stream_kind_has_rows():
    registered = set(live._KINDS)
    assert registered, "apps register their stream kinds when they load"
    tabled = {stream.kind for stream in STREAMS}
    assert registered - tabled == set(), "stream kinds with no row in table.py"
    assert tabled - registered == set(), "rows for stream kinds that are not registered"
    for stream in STREAMS:
        assert sorted(stream.allowed) == sorted([*PEOPLE, PROJECTOR]), stream.id


def test_probed_facets_include_every_facet_in_the_table():
    facets = {s.label for s in STREAMS if s.label and " " not in s.label}
    assert facets <= set(PROBE_FACETS)
