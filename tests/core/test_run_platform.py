"""The local platform tells the truth: where links lead and where emails go."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from relais.core.management.commands.run_platform import emails_destination, site_url_of

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("addr", "url"),
    [
        ("127.0.0.1:8103", "http://127.0.0.1:8103"),
        ("0.0.0.0:8000", "http://127.0.0.1:8000"),
        ("relais.local:9000", "http://relais.local:9000"),
        ("8080", "http://127.0.0.1:8080"),
    ],
)
def test_links_follow_the_served_address(addr, url):
    assert site_url_of(addr) == url


def settings_with(tmp_path, **environment) -> str:
    """The email settings Django reads from this environment, printed by a fresh process."""
    script = (
        "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings'); django.setup(); "
        "from django.conf import settings; "
        "from relais.core.management.commands.run_platform import emails_destination; "
        "print(settings.EMAIL_BACKEND); print(settings.EMAIL_DELIVERY_BACKEND); "
        "print(getattr(settings, 'EMAIL_FILE_PATH', '')); print(emails_destination())"
    )
    env = {key: value for key, value in os.environ.items() if key not in ("EMAIL_URL", "DJANGO_ENV")}
    env |= {"DJANGO_ENV": "development", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", **environment}
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_filemail_with_an_absolute_path_writes_there(tmp_path):
    folder = tmp_path / "courriels"
    backend, delivery, path, destination = settings_with(tmp_path, EMAIL_URL=f"filemail://{folder}").splitlines()
    assert backend == "relais.notifications.backends.OutboxBackend"
    assert delivery == "django.core.mail.backends.filebased.EmailBackend"
    assert path == str(folder)
    assert destination == f"Les courriels s'écrivent dans le dossier {folder}"


def test_filemail_with_a_relative_path_is_under_the_project(tmp_path):
    path = settings_with(tmp_path, EMAIL_URL="filemail://var/courriels").splitlines()[2]
    assert path == str(ROOT / "var" / "courriels")


def test_console_is_said_at_start_up(settings):
    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.console.EmailBackend"
    assert emails_destination() == "Les courriels s'affichent dans cette console"
    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "smtp.exemple.fr", 587
    assert emails_destination() == "Les courriels partent par le serveur SMTP smtp.exemple.fr:587"
