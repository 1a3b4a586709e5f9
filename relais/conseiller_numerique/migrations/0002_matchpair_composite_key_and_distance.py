"""MatchPair: a primary key (candidate, structure) instead of a surrogate id, the distance of each pair, and the
index (structure, distance, candidate) that serves a structure's list nearest first.

Django does not migrate a table to a composite primary key: the table is made again, and its pairs are carried over
through a side table (the distance computed from the commune centres stored on both rows, with the formula of
matching.distance_sql at the time of this migration), both ways."""

import django.db.models.deletion
from django.db import migrations, models

PREVIOUS = "cn_pair_previous"
PAIR = "conseiller_numerique_matchpair"
CANDIDATE = "conseiller_numerique_candidate"
STRUCTURE = "conseiller_numerique_hoststructure"
# Haversine distance in km with the mean Earth radius (6371.0088 km), as matching.distance_sql writes it.
DISTANCE = (
    "2 * CAST(6371.0088 AS DOUBLE PRECISION) * ASIN(SQRT("
    "POWER(SIN(RADIANS(s.latitude - c.latitude) / 2), 2)"
    " + COS(RADIANS(c.latitude)) * COS(RADIANS(s.latitude)) * POWER(SIN(RADIANS(s.longitude - c.longitude) / 2), 2)"
    "))"
)

KEEP_PAIRS = f"CREATE TABLE {PREVIOUS} AS SELECT candidate_id, structure_id FROM {PAIR}"
DROP_KEPT = f"DROP TABLE {PREVIOUS}"
FILL_WITH_DISTANCES = f"""
    INSERT INTO {PAIR} (candidate_id, structure_id, distance_km)
    SELECT p.candidate_id, p.structure_id, {DISTANCE}
    FROM {PREVIOUS} p
    JOIN {CANDIDATE} c ON c.id = p.candidate_id
    JOIN {STRUCTURE} s ON s.id = p.structure_id
    WHERE c.latitude IS NOT NULL AND s.latitude IS NOT NULL
"""
FILL_WITHOUT_DISTANCES = f"INSERT INTO {PAIR} (candidate_id, structure_id) SELECT candidate_id, structure_id FROM {PREVIOUS}"


class Migration(migrations.Migration):
    dependencies = [
        ("conseiller_numerique", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(sql=[KEEP_PAIRS], reverse_sql=[FILL_WITHOUT_DISTANCES, DROP_KEPT]),
        migrations.DeleteModel(name="MatchPair"),
        migrations.CreateModel(
            name="MatchPair",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "candidate", "structure", blank=True, editable=False, primary_key=True, serialize=False
                    ),
                ),
                (
                    "candidate",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="pairs",
                        to="conseiller_numerique.candidate",
                    ),
                ),
                (
                    "structure",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="pairs",
                        to="conseiller_numerique.hoststructure",
                    ),
                ),
                ("distance_km", models.FloatField(verbose_name="distance (km)")),
            ],
            options={
                "verbose_name": "paire géographique",
                "verbose_name_plural": "paires géographiques",
                "indexes": [
                    models.Index(fields=["structure", "distance_km", "candidate"], name="cn_pair_nearest"),
                ],
            },
        ),
        migrations.RunSQL(sql=[FILL_WITH_DISTANCES, DROP_KEPT], reverse_sql=[KEEP_PAIRS]),
    ]
