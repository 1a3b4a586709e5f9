from django.db import models


class ContactCategory(models.TextChoices):
    ACCOUNT = "account", "Mon compte : création, connexion, mot de passe"
    ORGANIZATION = "organization", "Mon organisation : rattachement, SIREN"
    RIGHTS = "rights", "Habilitations et demandes d'accès"
    ACCESS_MANAGER = "access_manager", "Responsable des accès"
    THIRD_PARTY = "third_party", "Tiers déclarant"
    SERVICE = "service", "Un service numérique du catalogue"
    TERMS = "terms", "Conditions d'utilisation et données personnelles"
    OTHER = "other", "Autre question"
