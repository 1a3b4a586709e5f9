"""Loaded by pytest before pytest-django reads the settings (see `addopts` in pyproject.toml).

The settings choose their test defaults (immediate tasks, in-memory emails, strict templates, fast hashing)
from DJANGO_ENV.
"""

import os

os.environ["DJANGO_ENV"] = "test"
