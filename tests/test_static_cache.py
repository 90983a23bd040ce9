"""Static files are served with long cache lifetimes under their hashed names: with the
production settings (collectstatic's manifest, WhiteNoise), a page links
css/asamblea.<hash>.css, which a browser keeps for years without asking again; a file
asked for by its plain name is kept only briefly, since its content may change."""

import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tests.servers import Server

ROOT = Path(__file__).resolve().parent.parent


def production_env(static_root):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE", "ASAMBLEA_PLAIN_STATIC")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        SECRET_KEY="static-cache-test-" + "s" * 40,
        ALLOWED_HOSTS="127.0.0.1",
        ASAMBLEA_INSECURE_HTTP="1",  # plain HTTP on localhost; everything else as shipped
        STATIC_ROOT=str(static_root),
        # Static files need no database; the pages asked for here only an empty one.
        DATABASE_URL=f"sqlite:///{static_root / 'empty.sqlite3'}",
    )
    return env


def headers(url):
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310
        response.read()
        return response.status, response.headers


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    static_root = tmp_path_factory.mktemp("static")
    env = production_env(static_root)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=ROOT, env=env, check=True, capture_output=True,
    )  # fmt: skip
    manifest = json.loads((static_root / "staticfiles.json").read_text())["paths"]
    server = Server(env=env).start()
    try:
        yield server, manifest
    finally:
        server.stop()


def test_a_hashed_name_is_cached_for_years_and_never_revalidated(production):
    server, manifest = production
    hashed = manifest["css/asamblea.css"]
    assert hashed != "css/asamblea.css"
    status, got = headers(f"{server.url}/static/{hashed}")
    assert status == 200
    directives = {d.strip() for d in got["Cache-Control"].split(",")}
    assert "immutable" in directives and "public" in directives
    max_age = int(next(d for d in directives if d.startswith("max-age=")).split("=")[1])
    assert max_age >= 365 * 24 * 3600
    assert got["Content-Encoding"] == "gzip"  # compressed once, at collectstatic


def test_the_plain_name_is_kept_only_briefly(production):
    server, _manifest = production
    status, got = headers(f"{server.url}/static/css/asamblea.css")
    assert status == 200
    directives = {d.strip() for d in got["Cache-Control"].split(",")}
    assert "immutable" not in directives
    assert "max-age=60" in directives


def test_pages_link_the_hashed_names(production):
    server, manifest = production
    request = urllib.request.Request(f"{server.url}/accounts/login/")
    with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310
        html = response.read().decode()
    for name in ("css/asamblea.css", "js/live.js"):
        assert f"/static/{manifest[name]}" in html, name
