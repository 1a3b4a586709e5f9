"""Helpers for tests that start other processes (workers, schedulers) on the test database."""

import os
import subprocess
import sys
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[1]


def process_environment() -> dict[str, str]:
    """Environment variables that point a `manage.py` process at this test's PostgreSQL database."""
    settings = connection.settings_dict
    url = (
        f"postgres://{settings['USER']}:{settings['PASSWORD']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"
    )
    return {"DJANGO_ENV": "test", "DATABASE_URL": url, "TASK_BACKEND": "database"}


def start_manage(*args: str, **environment: str) -> subprocess.Popen:
    """`manage.py <args>` in a process of its own, on this test's database; its output merged and kept."""
    return subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**os.environ, **process_environment(), **environment},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
