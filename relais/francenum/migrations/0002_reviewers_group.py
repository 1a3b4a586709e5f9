"""The "Administration France Num" team: the group whose members review the applications of every region."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Administration France Num"


def create_group(apps, schema_editor):
    app_config = apps.get_app_config("francenum")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(Permission.objects.get(content_type__app_label="francenum", codename="review_activator"))


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("francenum", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
