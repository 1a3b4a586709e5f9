from django.db import models


class Acr(models.TextChoices):
    """Authentication context classes a service may ask for (`acr_values`) and reads in the ID token (`acr`)."""

    PASSWORD = "urn:relais:acr:password", "Mot de passe"
    MFA = "urn:relais:acr:mfa", "Mot de passe et code d'une application d'authentification"


class BackchannelStatus(models.TextChoices):
    PENDING = "pending", "À envoyer"
    SENT = "sent", "Reçue par le service"
    FAILED = "failed", "Abandonnée"
