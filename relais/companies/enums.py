from django.db import models


class CompanySource(models.TextChoices):
    SIRENE_STOCK = "sirene_stock", "Fichier stock SIRENE (Insee)"
    RECHERCHE_ENTREPRISES = "recherche_entreprises", "API Recherche d'entreprises"
    DEMO = "demo", "Données de démonstration"


class ActivityNature(models.TextChoices):
    """The forms of exercise of the Registre national des entreprises (RNE): which chamber a company belongs to."""

    COMMERCIALE = "COMMERCIALE", "Commerciale"
    AGENT_COMMERCIAL = "AGENT_COMMERCIAL", "Agent commercial"
    ARTISANALE = "ARTISANALE", "Artisanale"
    ARTISANALE_REGLEMENTEE = "ARTISANALE_REGLEMENTEE", "Artisanale réglementée"
    LIBERALE_REGLEMENTEE = "LIBERALE_REGLEMENTEE", "Libérale réglementée"
    LIBERALE_NON_REGLEMENTEE = "LIBERALE_NON_REGLEMENTEE", "Libérale non réglementée"
    INDEPENDANTE = "INDEPENDANTE", "Indépendante"
    GESTION_DE_BIENS = "GESTION_DE_BIENS", "Gestion de biens"
    ACTIF_AGRICOLE = "ACTIF_AGRICOLE", "Agricole"
    AGRICOLE_NON_ACTIF = "AGRICOLE_NON_ACTIF", "Agricole non actif"
    SANS_ACTIVITE = "SANS_ACTIVITE", "Sans activité"
