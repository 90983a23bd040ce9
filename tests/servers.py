"""Run the real ASGI application under daphne in a child process, against the test
database, for browser and cross-process tests; or exactly as a documented command line
starts it (the README's production command, `make run`), to test what those promise."""

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
START_SECONDS = 90  # daphne imports Django and the app: seconds on a loaded CI machine


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def readme_command():
    """The line of the README's production instructions that starts the server."""
    text = (ROOT / "README.md").read_text()
    block = text.split("## Running with PostgreSQL and Redis", 1)[1].split("```sh", 1)[1]
    block = block.split("```", 1)[0]
    lines = [line.strip() for line in block.splitlines() if "serve" in line or "daphne" in line]
    assert len(lines) == 1, lines
    return lines[0]


def makefile_command():
    """The line `make run` runs to start the server (make -n prints without running)."""
    out = subprocess.run(
        ["make", "-n", "run"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    lines = [line.strip() for line in out.splitlines() if "serve" in line or "daphne" in line]
    lines = [line for line in lines if not line.startswith("echo")]
    assert len(lines) == 1, lines
    return lines[0]


def documented_commands():
    """{where: command line} for each documented way to start the server."""
    return {"README.md": readme_command(), "Makefile (make run)": makefile_command()}


def on_port(command, port):
    """The same command line, on `port`."""
    swapped, n = re.subn(r"-p \d+", f"-p {port}", command)
    assert n == 1, command
    return swapped


class Server:
    """`command` is a shell command line (e.g. the README's, see `on_port`); by default
    bin/serve, the command every documented way of starting Asamblea uses. `env`: extra
    environment for the server process (e.g. another REDIS_URL)."""

    def __init__(self, port=None, command=None, env=None):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.command = command or f"bin/serve -b 127.0.0.1 -p {self.port}"
        self.process = None
        self.extra_env = env or {}

    def start(self):
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.test_settings",
            "ASAMBLEA_TEST_DB_NAME": str(connection.settings_dict["NAME"]),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "PYTHONUNBUFFERED": "1",
            "ASAMBLEA_PYTHON": sys.executable,
            **self.extra_env,
        }
        self.log = open(ROOT / f".daphne-{self.port}.log", "w")  # noqa: SIM115
        self.process = subprocess.Popen(
            ["/bin/sh", "-c", self.command],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stop() ends the shell and daphne
        )
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"daphne exited: {(ROOT / self.log.name).read_text()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"daphne did not start in {START_SECONDS} s")

    def stop(self):
        """Stop the server; returns everything it printed."""
        output = ""
        if self.process:
            # The whole group, even when the shell is gone: daphne runs under /bin/sh -c,
            # which does not always hand its process over to the command.
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=10)
                deadline = time.monotonic() + 10
                while time.monotonic() < deadline:
                    os.killpg(self.process.pid, 0)  # raises once the group is empty
                    time.sleep(0.05)
                os.killpg(self.process.pid, signal.SIGKILL)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
            except ProcessLookupError:
                pass
        if getattr(self, "log", None):
            self.log.close()
            output = Path(self.log.name).read_text(errors="replace")
            Path(self.log.name).unlink(missing_ok=True)
        return output
