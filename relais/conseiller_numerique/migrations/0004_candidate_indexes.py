"""Two indexes of the candidates, for what reads them most:
- "toute la France" (`cn_cand_allfr`) holds everything a structure's list reads of those candidates (date of
  confirmation, commune centre, id): their count by rings and their nearest first read the index alone;
- the places (`cn_cand_place`) end with the longitude: a structure's recomputation checks the longitudes its
  candidates' boxes can reach in the index, and reads only the rows inside."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("conseiller_numerique", "0003_matchpair_available_from"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="candidate", name="cn_cand_allfr"),
        migrations.AddIndex(
            model_name="candidate",
            index=models.Index(
                fields=[
                    "territory",
                    "max_distance_km",
                    "status",
                    "available_from",
                    "confirmed_at",
                    "latitude",
                    "longitude",
                    "id",
                ],
                name="cn_cand_allfr",
            ),
        ),
        migrations.RemoveIndex(model_name="candidate", name="cn_cand_place"),
        migrations.AddIndex(
            model_name="candidate",
            index=models.Index(fields=["territory", "max_distance_km", "latitude", "longitude"], name="cn_cand_place"),
        ),
    ]
