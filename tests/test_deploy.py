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
