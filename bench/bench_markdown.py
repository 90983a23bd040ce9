"""Benchmark assembly.text.render_markdown (parse + nh3) on pathological Markdown at the
longest length a member may submit (50,000 characters).

Run from the project root:  .venv/bin/python bench/bench_markdown.py

The inputs are tests/assembly/markdown_inputs.py (nested brackets, emphasis runs, link
references, list markers nested thousands deep, HTML-looking text, ...), the same ones
tests/assembly/test_markdown_speed.py holds to a generous bound. Each is rendered best of
3 with time.perf_counter; the table is printed as Markdown.
"""

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")

import django  # noqa: E402

django.setup()

from assembly.text import render_markdown  # noqa: E402
from tests.assembly.markdown_inputs import PATHOLOGICAL  # noqa: E402

REPEATS = 3


def main():
    print("| input | characters | best of 3 (ms) |")
    print("| --- | ---: | ---: |")
    worst = 0.0
    for name, source in PATHOLOGICAL.items():
        best = float("inf")
        for _ in range(REPEATS):
            started = time.perf_counter()
            render_markdown(source)
            best = min(best, time.perf_counter() - started)
        worst = max(worst, best)
        print(f"| {name} | {len(source):,} | {best * 1000:.0f} |")
    print(f"\nSlowest: {worst * 1000:.0f} ms")


if __name__ == "__main__":
    main()
