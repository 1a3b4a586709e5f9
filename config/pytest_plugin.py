"""Loaded by pytest before pytest-django reads the settings (see `addopts` in pyproject.toml).

The settings choose their test defaults (immediate tasks, in-memory emails, strict templates, fast hashing)
from DJANGO_ENV.
"""

import os

os.environ["DJANGO_ENV"] = "test"


import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _uploads_in_a_temporary_folder(settings, tmp_path):
    """Uploaded files of a test land in its own folder, never in var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"
