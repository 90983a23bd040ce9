"""Production settings pass Django's deployment checks and carry the security headers."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_check_deploy_is_clean():
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DEBUG", "ASAMBLEA_INSECURE_HTTP", "DJANGO_SETTINGS_MODULE")
    }
    env.update(
        SECRET_KEY="a-long-random-production-secret-" + "k" * 40 + "-9f3c2b",
        ALLOWED_HOSTS="asamblea.example.org",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_pages_carry_a_self_only_content_security_policy(client, db):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert response["X-Frame-Options"] == "DENY"
    body = response.content.decode()
    assert "http://" not in body.replace("http://testserver", "")
    assert "https://" not in body


def _settings_env(**extra):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DEBUG", "SECRET_KEY", "ASAMBLEA_INSECURE_HTTP", "DJANGO_SETTINGS_MODULE")
    }
    env.update(DJANGO_SETTINGS_MODULE="config.settings", ALLOWED_HOSTS="asamblea.example.org")
    env.update(extra)
    return env


def test_production_refuses_to_start_without_a_secret_key():
    """DEBUG off and no SECRET_KEY: every process (server, timer, check) stops at once,
    saying what to set, rather than signing sessions with a key printed in the source."""
    for command in (["manage.py", "check", "--deploy"], ["-c", "import config.asgi"]):
        result = subprocess.run(
            [sys.executable, *command], cwd=ROOT, env=_settings_env(),
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert result.returncode != 0, command
        assert "SECRET_KEY" in result.stderr, result.stderr
        assert "Traceback" not in result.stderr, result.stderr


def test_development_still_starts_without_a_secret_key():
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=_settings_env(DEBUG="1"),
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
