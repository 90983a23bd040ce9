"""`make bench`: run every bench/bench_*.py and print their tables, each with the facts a
reader needs to judge it: when, on what machine, how busy it was before and after, and
which commit of the code. Copy the whole output into BENCHMARKS.md when numbers change.

Run only some: `.venv/bin/python bench/run.py cast live` (names after `bench_`).
"""

import datetime
import os
import platform
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def cpu_model():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def memory():
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError):
        pass
    return "unknown memory"


def commit():
    """The code measured: its commit, and whether the working tree had changes."""

    def git(*args):
        return subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, check=False
        ).stdout.strip()

    head = git("rev-parse", "--short=12", "HEAD") or "unknown (not a git checkout)"
    dirty = git("status", "--porcelain", "--untracked-files=no")
    return head + (" with uncommitted changes" if dirty else "")


def load():
    """The 1, 5 and 15 minute load averages, and what they mean on this many cores."""
    one, five, fifteen = os.getloadavg()
    cores = os.cpu_count() or 1
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f} (1 / 5 / 15 min) on {cores} cores"


def busy():
    one, _five, _fifteen = os.getloadavg()
    return one > (os.cpu_count() or 1) / 2


def backends():
    database = os.environ.get("DATABASE_URL", "").split(":", 1)[0] or "sqlite (default)"
    layer = "redis" if os.environ.get("REDIS_URL") else "in-memory (default)"
    return f"database {database}, channel layer {layer}"


def facts():
    now = datetime.datetime.now(datetime.UTC).replace(microsecond=0).isoformat()
    return [
        f"Date: {now}",
        f"Machine: {cpu_model()}, {os.cpu_count()} cores, {memory()}, "
        f"{platform.system()} {platform.release()}, Python {platform.python_version()}",
        f"Code: commit {commit()}",
        f"Backends asked for: {backends()}",
        f"Load average before: {load()}",
    ]


def main(names):
    for line in facts():
        print(line)
    if busy():
        print("Warning: the machine was already busy; read these numbers as upper bounds.")
    print()
    scripts = sorted(HERE.glob("bench_*.py"))
    if names:
        scripts = [s for s in scripts if s.stem.removeprefix("bench_") in names]
    status = 0
    for script in scripts:
        print(f"## {script.stem}\n", flush=True)
        print(f"Load average before: {load()}", flush=True)
        result = subprocess.run([sys.executable, str(script)], cwd=ROOT, check=False)
        status = status or result.returncode
        print(f"\nLoad average after: {load()}\n", flush=True)
    print(f"Finished: {datetime.datetime.now(datetime.UTC).replace(microsecond=0).isoformat()}")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
