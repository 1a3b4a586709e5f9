"""Django for the in-process benchmarks: tables built from the current models, in a throwaway database."""

import os
from pathlib import Path


class _NoMigrations(dict):
    """Every app without migrations: syncdb builds the tables from the current models, much faster."""

    def __contains__(self, item):
        return True

    def __getitem__(self, item):
        return None


def setup_django(*, database_url: str | None, tmp_dir: Path, name: str, migrations: bool = False) -> None:
    """Configure Django on `database_url` (an empty database) or a SQLite file in `tmp_dir`, then build the tables
    (with `migrations`, by the migrations, as in production: what they add besides the models' tables, such as
    rows of configuration or a full-text index, is then there too)."""
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{tmp_dir / f'{name}.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # DEBUG would keep every query in memory and time the logging along with the code measured.
    os.environ["DEBUG"] = "false"
    # One line per request of the test client would bury the bench's own output.
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    if not migrations:
        settings.MIGRATION_MODULES = _NoMigrations()
    call_command("migrate", run_syncdb=True, verbosity=0)
