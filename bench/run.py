"""`make bench`: run every bench/bench_*.py and print their tables with the machine's facts.
Copy the output into BENCHMARKS.md when numbers change."""

import os
import platform
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def machine():
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"


def main():
    print(f"Machine: {machine()}\n")
    status = 0
    for script in sorted(HERE.glob("bench_*.py")):
        print(f"## {script.stem}\n", flush=True)
        result = subprocess.run([sys.executable, str(script)], cwd=HERE.parent, check=False)
        status = status or result.returncode
        print()
    return status


if __name__ == "__main__":
    sys.exit(main())
