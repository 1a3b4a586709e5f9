from django.db import migrations

# The roles of privacy are groups, given by administrators in the admin: they exist in every installation.
GROUPS = {
    "Délégués à la protection des données": (
        "datarightsrequest",
        "handle_datarightsrequest",
        "Traiter les demandes d’exercice de droits (DPO)",
    ),
    "Équipe sécurité": ("incidentreport", "handle_incidentreport", "Traiter les signalements d’incidents (équipe sécurité)"),
}


def create_groups(apps, schema_editor):
    # Permissions are otherwise created after all migrations: made here so that the groups can hold them.
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, (model, codename, label) in GROUPS.items():
        content_type, _ = ContentType.objects.get_or_create(app_label="privacy", model=model)
        permission, _ = Permission.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": label}
        )
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(permission)


def delete_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, delete_groups)]
