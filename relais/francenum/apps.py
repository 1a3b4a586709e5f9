from django.apps import AppConfig


class FrancenumConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "relais.francenum"
    verbose_name = "Activateurs France Num"
