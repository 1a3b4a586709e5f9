"""PostgreSQL: every prefix of every word of the structures' normalised text, as a tsvector kept by the database
(generated column) and indexed by GIN, for the free-text search of the directory (querysets.ActivatorQuerySet.matching).
SQLite keeps its full-text index (migration 0006).

A typed word is a prefix ("cyber secu" finds "cybersecurite"): with every prefix stored as a lexeme, a search is an
exact match of each typed word, which GIN intersects in about a millisecond, where a prefix query (`mot:*`) on the
words only took 10 to 20 ms. The column is not on the model: Django never reads or writes it, the database computes
it from `search_text` on every insert and update. Its function must stay immutable (a generated column requires it);
the text is already normalised (lowercase ASCII words separated by single spaces), so it only cuts words.
"""

from django.db import migrations

TABLE = "francenum_activator"
COLUMN = "search_prefixes"
FUNCTION = "francenum_word_prefixes"
INDEX = "francenum_activator_prefixes"
# text.MAX_WORD_LENGTH: typed words are cut there.
MAX_WORD_LENGTH = 60

CREATE = (
    f"CREATE FUNCTION {FUNCTION}(text) RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$ "
    "SELECT coalesce(array_to_tsvector(array_agg(DISTINCT left(word, n))), ''::tsvector) "
    "FROM unnest(string_to_array($1, ' ')) AS word, "
    f"generate_series(1, least(length(word), {MAX_WORD_LENGTH})) AS n WHERE word <> '' $$",
    f"ALTER TABLE {TABLE} ADD COLUMN {COLUMN} tsvector GENERATED ALWAYS AS ({FUNCTION}(search_text)) STORED",
    f"CREATE INDEX {INDEX} ON {TABLE} USING gin ({COLUMN})",
)
DROP = (
    f"DROP INDEX IF EXISTS {INDEX}",
    f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS {COLUMN}",
    f"DROP FUNCTION IF EXISTS {FUNCTION}(text)",
)


def _on_postgresql(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("francenum", "0006_activator_text_fts"),
    ]

    operations = [
        migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP)),
    ]
