"""PostgreSQL: the pairs' table vacuumed after some fifty thousand deleted or inserted rows (0.5 % of 9.4 million,
plus a thousand), instead of the server's 20 % (1.9 million).

A structure's list and its count read its pairs in the index alone (`cn_pair_nearest`) as long as the visibility
map says their pages hold only visible rows; each recomputation that deletes or inserts pairs clears that for the
pages it touches, and the reads then fetch the table's rows one by one. Only a vacuum sets it again: after
insertions as after deletions (the `_insert_` settings). Such a vacuum is cheap: the rebuild lays a structure's
pairs together, so that its changes touch few pages, and below 2 % of pages with dead rows PostgreSQL (≥ 14) skips
the scan of the indexes. The rebuild carries these settings over to the table it puts in place
(`matching._rebuild_postgresql`).

The candidates' table likewise after 2 % of its rows (instead of 20 %): a list counts the candidates of "toute la
France" in the index `cn_cand_allfr` alone, and a candidate's change clears their page of the map (a table of
100,000 candidates is vacuumed in a fraction of a second)."""

from django.db import migrations

SETTINGS = {
    "conseiller_numerique_matchpair": {
        "autovacuum_vacuum_scale_factor": "0.005",
        "autovacuum_vacuum_threshold": "1000",
        "autovacuum_vacuum_insert_scale_factor": "0.005",
        "autovacuum_vacuum_insert_threshold": "1000",
    },
    "conseiller_numerique_candidate": {
        "autovacuum_vacuum_scale_factor": "0.02",
        "autovacuum_vacuum_insert_scale_factor": "0.02",
    },
}


def _set(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table, settings in SETTINGS.items():
            values = ", ".join(f"{name} = {value}" for name, value in settings.items())
            schema_editor.execute(f"ALTER TABLE {table} SET ({values})")


def _reset(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table, settings in SETTINGS.items():
            schema_editor.execute(f"ALTER TABLE {table} RESET ({', '.join(settings)})")


class Migration(migrations.Migration):
    dependencies = [
        ("conseiller_numerique", "0004_candidate_indexes"),
    ]

    operations = [
        migrations.RunPython(_set, _reset),
    ]
