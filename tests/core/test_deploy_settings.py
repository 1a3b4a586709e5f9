import os
import subprocess
import sys
from pathlib import Path

from relais.sso.keys import generate_private_key_pem

ROOT = Path(__file__).resolve().parents[2]


def clean_environment() -> dict:
    # The browser tests allow async-unsafe calls for live_server; the deploy check rightly flags that.
    return {key: value for key, value in os.environ.items() if key != "DJANGO_ALLOW_ASYNC_UNSAFE"}


def test_production_settings_pass_the_deploy_check(tmp_path):
    environment = {
        **clean_environment(),
        "DJANGO_ENV": "production",
        "SECRET_KEY": "x" * 20 + "-une-cle-longue-et-aleatoire-pour-le-controle-0123456789",
        "ALLOWED_HOSTS": "relais.exemple.gouv.fr",
        "SITE_URL": "https://relais.exemple.gouv.fr",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "EMAIL_URL": "smtp://localhost:25",
        "CACHE_URL": "redis://127.0.0.1:6379/0",
        # One line with literal "\\n", as hosting consoles take it.
        "OIDC_RSA_PRIVATE_KEY": generate_private_key_pem().replace("\n", "\\n"),
        "API_KEY_HMAC_SECRET": "y" * 50,
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout

    environment.pop("CACHE_URL")
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"], cwd=ROOT, env=environment, capture_output=True, text=True
    )
    assert "relais.W001" in result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    environment = {**clean_environment(), "DJANGO_ENV": "production", "ALLOWED_HOSTS": "relais.exemple.gouv.fr"}
    environment.pop("SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=environment, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_the_oidc_signing_key(tmp_path):
    environment = {
        **clean_environment(),
        "DJANGO_ENV": "production",
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "relais.exemple.gouv.fr",
    }
    environment.pop("OIDC_RSA_PRIVATE_KEY", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=environment, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "OIDC_RSA_PRIVATE_KEY" in result.stderr
