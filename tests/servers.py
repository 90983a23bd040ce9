"""Run the real ASGI application under daphne in a child process, against the test
database, for browser and cross-process tests."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`command` is a shell command line (e.g. the README's); by default bin/serve, the
    command every documented way of starting Asamblea uses."""

    def __init__(self, port=None, command=None):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.command = command or f"bin/serve -b 127.0.0.1 -p {self.port}"
        self.process = None

    def start(self):
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.test_settings",
            "ASAMBLEA_TEST_DB_NAME": str(connection.settings_dict["NAME"]),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "PYTHONUNBUFFERED": "1",
            "ASAMBLEA_PYTHON": sys.executable,
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
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"daphne exited: {(ROOT / self.log.name).read_text()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("daphne did not start in 30 s")

    def stop(self):
        """Stop the server; returns everything it printed."""
        output = ""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        if getattr(self, "log", None):
            self.log.close()
            output = Path(self.log.name).read_text(errors="replace")
            Path(self.log.name).unlink(missing_ok=True)
        return output
