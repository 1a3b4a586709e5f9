from django.db import models


class RetentionRunQuerySet(models.QuerySet):
    def latest_per_rule(self) -> dict[str, "RetentionRun"]:
        """The last run of every rule that ran, in one query (a rule runs once a day: the table stays small)."""
        latest = {}
        for run in self.order_by("rule", "-started_at", "-pk"):
            latest.setdefault(run.rule, run)
        return latest


class RetentionRun(models.Model):
    """One execution of one rule by `apply_retention --wet-run` (a dry run changes nothing, not even this history):
    what the admin shows for each rule."""

    rule = models.CharField("règle", max_length=100, db_index=True)
    started_at = models.DateTimeField("commencée le", db_index=True)
    finished_at = models.DateTimeField("terminée le", null=True, blank=True)
    cutoff = models.DateTimeField("date limite", help_text="Les données antérieures à cette date sont concernées.")
    due = models.PositiveIntegerField("lignes concernées", default=0)
    processed = models.PositiveIntegerField("lignes traitées", default=0)
    warned = models.PositiveIntegerField("personnes averties", default=0)
    oldest = models.DateTimeField("plus ancienne date concernée", null=True, blank=True)
    batches = models.PositiveIntegerField("lots", default=0)
    longest_transaction_ms = models.PositiveIntegerField("transaction la plus longue (ms)", default=0)
    error = models.TextField("erreur", blank=True)

    objects = RetentionRunQuerySet.as_manager()

    class Meta:
        verbose_name = "exécution d’une règle de conservation"
        verbose_name_plural = "règles de conservation : exécutions"
        ordering = ["-started_at", "-pk"]

    def __str__(self):
        return f"{self.rule} — {self.started_at:%d/%m/%Y %H:%M}"


class RetentionWarning(models.Model):
    """A person told that a rule will deal with their data: the rule acts only once the warning is old enough and
    nothing was used since."""

    rule = models.CharField("règle", max_length=100)
    object_id = models.BigIntegerField("identifiant de la ligne")
    warned_at = models.DateTimeField("averti le")
    deadline = models.DateTimeField("échéance annoncée")

    class Meta:
        verbose_name = "avertissement avant suppression"
        verbose_name_plural = "avertissements avant suppression"
        indexes = [models.Index(fields=["rule", "object_id", "warned_at"], name="privacy_warning_lookup")]

    def __str__(self):
        return f"{self.rule} #{self.object_id} — {self.warned_at:%d/%m/%Y}"
