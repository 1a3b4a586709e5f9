import os

# The settings choose their test defaults (immediate tasks, in-memory emails, strict templates) from this.
os.environ["DJANGO_ENV"] = "test"
