from django.db import models


class CompanySource(models.TextChoices):
    SIRENE_STOCK = "sirene_stock", "Fichier stock SIRENE (Insee)"
    RECHERCHE_ENTREPRISES = "recherche_entreprises", "API Recherche d'entreprises"
    DEMO = "demo", "Données de démonstration"
