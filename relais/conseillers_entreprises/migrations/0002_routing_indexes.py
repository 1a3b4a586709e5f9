from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("conseillers_entreprises", "0001_initial"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="territorialzone",
            name="ce_zone_type_code",
        ),
        migrations.AddIndex(
            model_name="antenne",
            index=models.Index(fields=["territorial_level"], name="ce_antenne_territorial_level"),
        ),
        migrations.AddIndex(
            model_name="territorialzone",
            index=models.Index(fields=["zone_type", "code", "expert", "antenne"], name="ce_zone_type_code_owner"),
        ),
    ]
