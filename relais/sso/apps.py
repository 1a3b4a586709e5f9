from django.apps import AppConfig


class SsoConfig(AppConfig):
    name = "relais.sso"
    label = "sso"
    verbose_name = "Connexion unique (OpenID Connect)"
