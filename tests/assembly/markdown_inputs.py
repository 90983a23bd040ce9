"""Pathological Markdown at the longest length a member may submit (a proposal's text,
an amendment, meeting notes: 50,000 characters). Shared by the bound test
(tests/assembly/test_markdown_speed.py) and the benchmark (bench/bench_markdown.py)."""

MAX_LENGTH = 50_000


def _fill(unit, tail=""):
    return unit * ((MAX_LENGTH - len(tail)) // len(unit)) + tail


PATHOLOGICAL = {
    "nested brackets": "[" * (MAX_LENGTH // 2) + "]" * (MAX_LENGTH // 2),
    "link openers": _fill("[a"),
    "unclosed links": _fill("[a](b"),
    "unclosed angle links": _fill("[a](<b"),
    "links inside links": _fill("[ (]("),
    "image openers": _fill("!["),
    "emphasis runs": _fill("*a **a ", "b") + " a** a*" * 10,
    "emphasis openers": _fill("_a "),
    "emphasis closers": _fill("a_ "),
    "mismatched emphasis": _fill("*a_ "),
    "stars": _fill("*"),
    "link references": "".join(f"[r{i}]: http://x.example/{i}\n" for i in range(1500))
    + "".join(f"[a][r{i}] " for i in range(1500)),
    "nested list markers": _fill("- ", "x"),
    "nested numbered lists": _fill("1. ", "x"),
    "indented lists": "".join("  " * i + "- a\n" for i in range(220)),
    "nested quotes": _fill("> ", "x"),
    "html-looking tags": _fill("<a "),
    "html blocks": _fill("<div>"),
    "unclosed comments": "</" + _fill("<!--"),
    "backticks": "".join("e" + "`" * i for i in range(310)),
    "backslashes": _fill("\\"),
    "entities": _fill("&#"),
    "table": "|a" * 200 + "|\n" + "|-" * 200 + "|\n" + ("|a" * 200 + "|\n") * 120,
    "headings": _fill("# a\n"),
}
