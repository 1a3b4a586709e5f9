from django.conf import settings
from django.db import migrations, models


def forget_the_pairs_of_wide_radii(apps, schema_editor):
    """The candidates of 100 km are found around a structure when its list is read: their stored pairs would list
    them twice (the pairs of up to 40 km only are stored from now on)."""
    MatchPair = apps.get_model("conseiller_numerique", "MatchPair")
    MatchPair.objects.filter(candidate__max_distance_km__gt=40).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('conseiller_numerique', '0006_matchpair_without_rowid'),
        ('territories', '0002_department_outline'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='candidate',
            name='cn_cand_place',
        ),
        migrations.AddIndex(
            model_name='candidate',
            index=models.Index(fields=['territory', 'max_distance_km', 'latitude', 'longitude', 'status', 'available_from', 'confirmed_at', 'id'], name='cn_cand_place'),
        ),
        migrations.RunPython(forget_the_pairs_of_wide_radii, migrations.RunPython.noop),
    ]
