from django.db import models


class Theme(models.Model):
    label = models.CharField("intitulé", max_length=200)
    slug = models.SlugField("identifiant", max_length=100, unique=True)
    description = models.TextField("description", blank=True)
    position = models.PositiveSmallIntegerField("ordre", default=0)
    is_archived = models.BooleanField("archivé", default=False)

    class Meta:
        verbose_name = "thème"
        verbose_name_plural = "thèmes"
        ordering = ["position", "label"]

    def __str__(self):
        return self.label


class Subject(models.Model):
    """A subject of the public taxonomy; `slug` is the public service's landing-subject slug."""

    theme = models.ForeignKey(Theme, verbose_name="thème", on_delete=models.PROTECT, related_name="subjects")
    label = models.CharField("intitulé", max_length=255)
    slug = models.SlugField("identifiant", max_length=120, unique=True)
    description = models.TextField(
        "description", blank=True, help_text="Exemples de besoins couverts, affichés à l’entreprise."
    )
    guidance = models.TextField(
        "aide à la rédaction",
        blank=True,
        help_text="Ce que l’entreprise doit préciser dans sa description ; affiché au-dessus du champ.",
    )
    position = models.PositiveSmallIntegerField("ordre", default=0)
    is_other_need = models.BooleanField(
        "autre besoin",
        default=False,
        help_text="Demandes hors thématique, orientées par l’équipe support.",
    )
    is_archived = models.BooleanField("archivé", default=False)

    class Meta:
        verbose_name = "sujet"
        verbose_name_plural = "sujets"
        ordering = ["theme__position", "position", "label"]

    def __str__(self):
        return self.label


class SubjectQuestion(models.Model):
    """An additional yes/no question asked to the company for one subject."""

    subject = models.ForeignKey(Subject, verbose_name="sujet", on_delete=models.CASCADE, related_name="questions")
    key = models.SlugField("identifiant", max_length=100)
    label = models.CharField("question", max_length=300)
    position = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        verbose_name = "question complémentaire"
        verbose_name_plural = "questions complémentaires"
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["subject", "key"], name="ce_subjectquestion_unique_key")]

    def __str__(self):
        return self.label
