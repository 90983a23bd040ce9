"""Finding 2: any text a member may submit, at its maximum length, renders quickly, the
pathological shapes included. A generous bound, not a timing claim: the numbers are in
bench/bench_markdown.py."""

import time

import pytest

from assembly.text import render_markdown
from tests.assembly.markdown_inputs import MAX_LENGTH, PATHOLOGICAL

BOUND_SECONDS = 5.0


@pytest.mark.parametrize("name", list(PATHOLOGICAL))
def test_pathological_markdown_renders_within_a_generous_bound(name):
    source = PATHOLOGICAL[name]
    assert len(source) <= MAX_LENGTH + 10_000
    started = time.perf_counter()
    html = render_markdown(source)
    elapsed = time.perf_counter() - started
    assert isinstance(html, str)
    assert elapsed < BOUND_SECONDS, f"{name}: {elapsed:.1f} s"


def test_deeply_nested_list_markers_do_not_raise():
    # Once a RecursionError (a 500 for whoever posted it, and for every page showing it).
    assert "x" in render_markdown("- " * 5000 + "x")
