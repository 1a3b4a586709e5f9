"""MatchPair carries its candidate's availability date, in the index (structure, distance, candidate, availability)
that serves a structure's list: the list and its count then read the pairs alone, never the candidates.

The existing pairs get the date of their candidate; the pairs of candidates who no longer match (the task that would
have removed them still pending) or no longer exist are deleted, as `matching.sync_candidate` now does at once."""

from django.db import migrations, models

PAIR = "conseiller_numerique_matchpair"
CANDIDATE = "conseiller_numerique_candidate"

DROP_UNMATCHED = f"""
    DELETE FROM {PAIR} WHERE candidate_id NOT IN (
        SELECT id FROM {CANDIDATE} WHERE status = 'available' AND confirmed_at IS NOT NULL
    )
"""
COPY_DATES = f"""
    UPDATE {PAIR} SET available_from = (
        SELECT c.available_from FROM {CANDIDATE} c WHERE c.id = {PAIR}.candidate_id
    )
"""


class Migration(migrations.Migration):
    dependencies = [
        ("conseiller_numerique", "0002_matchpair_composite_key_and_distance"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="matchpair", name="cn_pair_nearest"),
        migrations.AddField(
            model_name="matchpair",
            name="available_from",
            field=models.DateField(null=True, verbose_name="disponible à partir du"),
        ),
        migrations.RunSQL(sql=[DROP_UNMATCHED, COPY_DATES], reverse_sql=migrations.RunSQL.noop),
        migrations.AlterField(
            model_name="matchpair",
            name="available_from",
            field=models.DateField(verbose_name="disponible à partir du"),
        ),
        migrations.AddIndex(
            model_name="matchpair",
            index=models.Index(fields=["structure", "distance_km", "candidate", "available_from"], name="cn_pair_nearest"),
        ),
    ]
