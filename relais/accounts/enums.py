from django.db import models


class Civility(models.TextChoices):
    MADAME = "madame", "Madame"
    MONSIEUR = "monsieur", "Monsieur"


class VerificationPurpose(models.TextChoices):
    SIGNUP = "signup", "Création de compte"
    EMAIL_CHANGE = "email_change", "Changement d'adresse électronique"


class SignupStep(models.TextChoices):
    """The steps of seed 003 §6.1.1 that happen once the account exists (steps 1 to 5 come before it)."""

    IDENTITY = "identity", "Identité"
    COMPANY = "company", "Entreprise de rattachement"


class RevocationReason(models.TextChoices):
    """Why every access of a person outside a session ends at once (signals.access_revoked)."""

    PASSWORD_CHANGED = "password_changed", "Mot de passe changé"
    PASSWORD_COMPROMISED = "password_compromised", "Mot de passe signalé compromis"
    DEACTIVATED = "deactivated", "Compte désactivé"
    SUSPENDED = "suspended", "Compte suspendu"
    DELETED = "deleted", "Compte supprimé"
