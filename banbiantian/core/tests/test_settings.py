"""A real installation (no demo flag, no debug) refuses to start without a secret key and
runs with secure cookies; checked in a fresh interpreter since settings load once."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PROBE = (
    "import json, django; from django.conf import settings; django.setup(); "
    "print(json.dumps({k: getattr(settings, k) for k in ['SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', "
    "'SECURE_SSL_REDIRECT', 'SECURE_HSTS_SECONDS', 'SESSION_COOKIE_HTTPONLY', 'DEBUG']} | "
    "{'HASHER': settings.PASSWORD_HASHERS[0]}))"
)


def _run(**env):
    base = {k: v for k, v in os.environ.items()
            if k not in ("PYTEST_VERSION", "BANBIANTIAN_DEMO", "DJANGO_DEBUG", "DJANGO_SECRET_KEY", "_")}
    base.update(DJANGO_SETTINGS_MODULE="banbiantian.settings", **env)
    return subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=base, capture_output=True, text=True)


def test_production_needs_a_secret_key():
    result = _run()
    assert result.returncode != 0 and "DJANGO_SECRET_KEY" in result.stderr


def test_production_cookies_are_secure():
    result = _run(DJANGO_SECRET_KEY="x" * 50, DJANGO_ALLOWED_HOSTS="fl.example.gov.cn",
                  BANBIANTIAN_FIELD_KEYS="tP8v0m0nP6dO1sQhLQ3m0Yv7a8N6fJ8o3QpR9b1cD2E=")
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values == {"SESSION_COOKIE_SECURE": True, "CSRF_COOKIE_SECURE": True, "SECURE_SSL_REDIRECT": True,
                      "SECURE_HSTS_SECONDS": 2592000, "SESSION_COOKIE_HTTPONLY": True, "DEBUG": False,
                      "HASHER": "django.contrib.auth.hashers.ScryptPasswordHasher"}


def test_bad_boolean_fails_loudly():
    result = _run(DJANGO_SECRET_KEY="x" * 50, DJANGO_DEBUG="maybe", BANBIANTIAN_FIELD_KEYS="k")
    assert result.returncode != 0 and "DJANGO_DEBUG must be a boolean" in result.stderr


def test_production_needs_the_field_encryption_key():
    result = _run(DJANGO_SECRET_KEY="x" * 50, DJANGO_ALLOWED_HOSTS="fl.example.gov.cn")
    assert result.returncode != 0 and "BANBIANTIAN_FIELD_KEYS" in result.stderr
