"""SQLite: the pairs' table stored in the order of its key (candidate, structure), WITHOUT ROWID.

A rowid table keeps three trees for the pairs: its rows (by an internal row number), the key's index and
`cn_pair_nearest`. Stored in the order of its key, the table is the key's index itself: two trees instead of three.
A structure's recomputation deletes and inserts its pairs one candidate after another, each in a different part of
the key's order; one tree fewer to reach halves the pages it writes. The rebuild writes a third less.

Django remakes a SQLite table to alter it (`_remake_table`), with a plain CREATE TABLE: a later migration that alters
this table must run `make_without_rowid` again (tests/conseiller_numerique/test_matching.py checks the layout).
PostgreSQL has no such layout (its tables are heaps); nothing to do there."""

from django.db import migrations

TABLE = "conseiller_numerique_matchpair"


def make_without_rowid(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = %s", [TABLE])
        (create,) = cursor.fetchone()
        if create.rstrip().upper().endswith("WITHOUT ROWID"):
            return
        cursor.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL", [TABLE]
        )
        indexes = [sql for (sql,) in cursor.fetchall()]
        build = f"{TABLE}__without_rowid"
        cursor.execute(create.replace(f'"{TABLE}"', f'"{build}"', 1) + " WITHOUT ROWID")
        columns = "candidate_id, structure_id, distance_km, available_from"
        cursor.execute(f'INSERT INTO "{build}" ({columns}) SELECT {columns} FROM "{TABLE}"')
        cursor.execute(f'DROP TABLE "{TABLE}"')
        cursor.execute(f'ALTER TABLE "{build}" RENAME TO "{TABLE}"')
        for sql in indexes:
            cursor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("conseiller_numerique", "0005_matchpair_autovacuum"),
    ]

    operations = [
        # Back: the table stays as it is (the same columns, key and indexes; only its storage differs).
        migrations.RunPython(make_without_rowid, migrations.RunPython.noop),
    ]
