from django.db import models


class Scope(models.TextChoices):
    """What a key may do. Each router of the API requires one of them (relais/api/routers/)."""

    CE_READ = "ce:read", "Conseillers-Entreprises : lire ses pages d’accueil, thèmes et sujets"
    CE_FILE = "ce:file", "Conseillers-Entreprises : déposer des demandes et suivre leur statut"
    FRANCENUM_READ = "francenum:read", "France Num : profils publiés complets des activateurs"
    CN_READ = "cn:read", "Conseiller numérique : chiffres des structures et des recrutements"


class PartnerKind(models.TextChoices):
    INSTITUTION = "institution", "Institution de l’annuaire Conseillers-Entreprises"
    AUTHORISED_BODY = "authorised_body", "Organisme autorisé (données ouvertes)"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "À envoyer"
    SENDING = "sending", "Envoi en cours"
    SENT = "sent", "Reçu par le partenaire"
    FAILED = "failed", "Abandonné après plusieurs tentatives"
