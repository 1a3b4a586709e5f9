"""SQLite: a full-text index (FTS5) of the structures' normalised text, kept by triggers, for the free-text search
of the directory (querysets.ActivatorQuerySet.matching). PostgreSQL indexes the prefixes of its words (migration 0007).

The index covers every structure (the search then keeps the published ones) and indexes each prefix of one to three
letters too, so that short typed words read one list rather than every word they start. A later migration that
rebuilds the activators' table on SQLite drops these triggers with the old table: tests/francenum/test_directory.py
checks that the index follows the text.
"""

from django.db import migrations

TABLE = "francenum_activator"
FTS = "francenum_activator_fts"

CREATE = (
    f"CREATE VIRTUAL TABLE {FTS} USING fts5(search_text, content='{TABLE}', content_rowid='id', prefix='1 2 3')",
    f"INSERT INTO {FTS}(rowid, search_text) SELECT id, search_text FROM {TABLE}",
    f"CREATE TRIGGER {FTS}_insert AFTER INSERT ON {TABLE} BEGIN "
    f"INSERT INTO {FTS}(rowid, search_text) VALUES (new.id, new.search_text); END",
    f"CREATE TRIGGER {FTS}_delete AFTER DELETE ON {TABLE} BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, search_text) VALUES ('delete', old.id, old.search_text); END",
    f"CREATE TRIGGER {FTS}_update AFTER UPDATE OF search_text ON {TABLE} BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, search_text) VALUES ('delete', old.id, old.search_text); "
    f"INSERT INTO {FTS}(rowid, search_text) VALUES (new.id, new.search_text); END",
)
DROP = (
    f"DROP TRIGGER IF EXISTS {FTS}_insert",
    f"DROP TRIGGER IF EXISTS {FTS}_delete",
    f"DROP TRIGGER IF EXISTS {FTS}_update",
    f"DROP TABLE IF EXISTS {FTS}",
)


def _on_sqlite(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("francenum", "0005_activator_word_index"),
    ]

    operations = [
        migrations.RunPython(_on_sqlite(CREATE), _on_sqlite(DROP)),
    ]
