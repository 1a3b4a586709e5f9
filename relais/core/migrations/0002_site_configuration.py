from django.db import migrations


def create_rows(apps, schema_editor):
    DsfrConfig = apps.get_model("dsfr", "DsfrConfig")
    if not DsfrConfig.objects.exists():
        DsfrConfig.objects.create(
            language="fr",
            site_title="Relais",
            site_tagline="Mettre en relation ceux qui cherchent un appui et ceux qui l'apportent",
            header_brand="République française",
            header_brand_html="République<br>française",
            footer_brand="République française",
            footer_brand_html="République<br>française",
            accessibility_status="NOT",
        )
    SiteStatus = apps.get_model("core", "SiteStatus")
    SiteStatus.objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("dsfr", "0012_dsfrconfig_notice_description_and_more"),
    ]

    operations = [migrations.RunPython(create_rows, migrations.RunPython.noop)]
