from django.db import models


class Civility(models.TextChoices):
    MADAME = "madame", "Madame"
    MONSIEUR = "monsieur", "Monsieur"
