"""Run the real ASGI application under daphne in a child process, against the test
database, for browser and cross-process tests; or exactly as a documented command line
starts it (README's production command, `make run`), to test what those promise."""

import os
import re
import shlex
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


START_SECONDS = 90  # daphne imports Django and the app: seconds on a loaded CI machine
DAPHNE_ARGS = ["--websocket-max-message-size", "65536", "-v", "0"]


def documented_daphne_commands():
    """{where: [daphne's arguments]} for each documented way to start the server: the
    README's production command and the Makefile's `run` target."""
    readme = (ROOT / "README.md").read_text()
    makefile = (ROOT / "Makefile").read_text().replace("\\\n", " ")
    found = {
        "README.md": re.findall(r"^\S*daphne (.*config\.asgi:application)$", readme, re.M),
        "Makefile (make run)": re.findall(r"bin/daphne (.*config\.asgi:application)", makefile),
    }
    commands = {}
    for where, lines in found.items():
        assert len(lines) == 1, f"expected one daphne command in {where}, found {lines}"
        commands[where] = shlex.split(lines[0])[:-1]  # without the application
    return commands


def with_port(args, port):
    """The same arguments, bound to 127.0.0.1 on `port`."""
    out, skip = [], False
    for arg in args:
        if skip:
            skip = False
        elif arg in ("-b", "--bind", "-p", "--port"):
            skip = True
        else:
            out.append(arg)
    return ["-b", "127.0.0.1", "-p", str(port), *out]


class Server:
    def __init__(self, port=None, args=None, env=None):
        """`args`: daphne's arguments besides bind, port and the application (default:
        DAPHNE_ARGS, as the README's production command). `env`: extra environment for
        the server process (e.g. another REDIS_URL)."""
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = None
        self.args = DAPHNE_ARGS if args is None else args
        self.extra_env = env or {}

    def start(self):
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.test_settings",
            "ASAMBLEA_TEST_DB_NAME": str(connection.settings_dict["NAME"]),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "PYTHONUNBUFFERED": "1",
            **self.extra_env,
        }
        self.log = open(ROOT / f".daphne-{self.port}.log", "w")  # noqa: SIM115
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "daphne",
                *with_port(self.args, self.port),
                "config.asgi:application",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"daphne exited: {(ROOT / self.log.name).read_text()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self
            except OSError:
                time.sleep(0.1)  # polling for the port, not waiting for an outcome
        raise RuntimeError(f"daphne did not start in {START_SECONDS} s")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if getattr(self, "log", None):
            self.log.close()
            Path(self.log.name).unlink(missing_ok=True)
