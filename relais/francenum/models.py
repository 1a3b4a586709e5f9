"""The France Num activators (seed 002): structures, their people, offer, area served, review thread, contacts from
companies, profile views, survey. Reads live in querysets.py; every write goes through services/."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from relais.core.models import PublicIdModel, TimestampedModel
from relais.territories.models import Commune, Department, Region

from .enums import (
    Category,
    ContactStatus,
    Domain,
    EventKind,
    Kind,
    LegalCheck,
    MemberRole,
    MemberStatus,
    ServiceKind,
    StaffSize,
    Status,
)
from .querysets import ActivatorQuerySet, ContactRequestQuerySet, MemberQuerySet


class Activator(PublicIdModel, TimestampedModel):
    """A structure (company, association, public body) whose people joined the programme (seed 002 art. 2)."""

    status = models.CharField("statut", max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)
    slug = models.SlugField("adresse de la fiche", max_length=120, unique=True)
    # Published information (art. 2.5).
    name = models.CharField("nom de la structure", max_length=200)
    logo = models.ImageField("logo", upload_to="francenum/logos/", blank=True)
    kind = models.CharField("type de structure", max_length=20, choices=Kind.choices)
    category = models.CharField("catégorie", max_length=10, choices=Category.choices, default=Category.PRIVATE)
    address = models.CharField("adresse", max_length=255, blank=True)
    postal_code = models.CharField("code postal", max_length=10, blank=True)
    city = models.CharField("ville", max_length=200, blank=True)
    commune = models.ForeignKey(
        Commune, verbose_name="commune", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    department = models.ForeignKey(
        Department, verbose_name="département", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    region = models.ForeignKey(
        Region, verbose_name="région", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    latitude = models.FloatField("latitude", null=True, blank=True)
    longitude = models.FloatField("longitude", null=True, blank=True)
    country = models.CharField("pays", max_length=100, default="France")
    staff_size = models.CharField("effectif", max_length=10, choices=StaffSize.choices, blank=True)
    website = models.URLField("site internet", blank=True)
    social_links = models.TextField("comptes de réseaux sociaux", blank=True, help_text="Une adresse par ligne.")
    client_references = models.TextField("références clients", blank=True)
    networks = models.TextField("réseaux", blank=True)
    certifications = models.TextField("certifications", blank=True)
    description = models.TextField("présentation", blank=True)
    # Area served.
    serves_france = models.BooleanField("France entière", default=False)
    serves_remote = models.BooleanField("à distance", default=False)
    served_regions = models.ManyToManyField(Region, verbose_name="régions servies", blank=True, related_name="+")
    served_departments = models.ManyToManyField(
        Department, verbose_name="départements servis", blank=True, related_name="+"
    )
    served_communes = models.ManyToManyField(Commune, verbose_name="communes servies", blank=True, related_name="+")
    # " FR DIST R84 D69 C69123 ": what the directory filters on, written by services.profile.refresh_index.
    area_codes = models.TextField("codes de la zone servie", blank=True, editable=False)
    search_text = models.TextField("texte de recherche normalisé", blank=True, editable=False)
    # Eligibility (art. 2), management information: never published.
    siret = models.CharField("SIRET", max_length=14, blank=True, db_index=True)
    company_check = models.JSONField("résultat de la recherche SIRET", default=dict, blank=True)
    creation_date = models.DateField("date de création", null=True, blank=True)
    experience_declared = models.BooleanField("expérience de plus de six mois déclarée", default=False)
    experience_proof = models.FileField("justificatif d'expérience", upload_to="francenum/proofs/", blank=True)
    is_foreign = models.BooleanField("structure sans SIRET", default=False)
    foreign_identifier = models.CharField("numéro d'identification", max_length=100, blank=True)
    foreign_proof = models.FileField("pièce justificative d'existence", upload_to="francenum/proofs/", blank=True)
    head_name = models.CharField("nom du responsable de la structure", max_length=200, blank=True)
    head_function = models.CharField("fonction du responsable", max_length=200, blank=True)
    head_email = models.EmailField("adresse électronique du responsable", blank=True)
    head_approved_on = models.DateField("accord du responsable donné le", null=True, blank=True)
    obligations_declared = models.BooleanField("obligations sociales et fiscales à jour", default=False)
    obligations_attestation = models.FileField("attestation de régularité", upload_to="francenum/proofs/", blank=True)
    legal_check = models.CharField(
        "vérification du site", max_length=20, choices=LegalCheck.choices, default=LegalCheck.UNCHECKED
    )
    legal_check_details = models.JSONField("détail de la vérification du site", default=dict, blank=True)
    # Life of the application and of the engagement (art. 3 and 6).
    submitted_at = models.DateTimeField("envoyée le", null=True, blank=True)
    info_requested_at = models.DateTimeField("informations demandées le", null=True, blank=True)
    validated_at = models.DateTimeField("validée le", null=True, blank=True)
    engaged_at = models.DateTimeField("engagée le", null=True, blank=True)
    engagement_ends_at = models.DateTimeField("fin de l'engagement", null=True, blank=True, db_index=True)
    expiry_reminders = models.JSONField("rappels d'échéance envoyés (jours)", default=list, blank=True)
    status_reason = models.TextField("motif du dernier changement de statut", blank=True)

    objects = ActivatorQuerySet.as_manager()

    class Meta:
        verbose_name = "activateur"
        verbose_name_plural = "activateurs"
        ordering = ["name"]
        indexes = [
            # Covering for the search by place: the box, the distance and the area served are read from the index
            # (the area codes stay short: 200 communes at most, services.registration).
            models.Index(fields=["status", "latitude", "longitude", "area_codes"], name="francenum_status_lat"),
            models.Index(fields=["status", "region", "name"], name="francenum_status_region"),
            models.Index(fields=["status", "name"], name="francenum_status_name"),
        ]
        permissions = [("review_activator", "Instruire les demandes des activateurs France Num")]

    def __str__(self):
        return self.name

    @property
    def is_published(self) -> bool:
        return self.status == Status.VALIDATED


class Offer(models.Model):
    """One cell of the offer: a domain × a kind of service."""

    activator = models.ForeignKey(Activator, on_delete=models.CASCADE, related_name="offers")
    domain = models.CharField("domaine", max_length=20, choices=Domain.choices)
    service_kind = models.CharField("type de prestation", max_length=20, choices=ServiceKind.choices)

    class Meta:
        verbose_name = "offre"
        verbose_name_plural = "offres"
        constraints = [
            models.UniqueConstraint(fields=["activator", "domain", "service_kind"], name="francenum_offer_unique")
        ]
        indexes = [models.Index(fields=["domain", "activator"], name="francenum_offer_domain")]

    def __str__(self):
        return f"{self.get_domain_display()} — {self.get_service_kind_display()}"


class ActivatorMember(PublicIdModel, TimestampedModel):
    """A person of the structure who joined the programme (art. 2.6): the referent or another member."""

    activator = models.ForeignKey(Activator, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="activator_memberships")
    role = models.CharField("rôle", max_length=10, choices=MemberRole.choices, default=MemberRole.MEMBER)
    status = models.CharField("statut", max_length=10, choices=MemberStatus.choices, default=MemberStatus.ACTIVE)
    photo = models.ImageField("photo ou avatar", upload_to="francenum/members/", blank=True)
    job_title = models.CharField("fonction", max_length=200, blank=True)
    phone = models.CharField("téléphone", max_length=20, blank=True)
    public_email = models.EmailField("adresse électronique publiée", blank=True)
    presentation = models.TextField("présentation des prestations", blank=True)
    references = models.TextField("références professionnelles", blank=True)
    suspension_reason = models.TextField("motif de la suspension", blank=True)
    left_at = models.DateTimeField("parti le", null=True, blank=True)

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = "adhérent"
        verbose_name_plural = "adhérents"
        ordering = ["role", "user__last_name"]
        constraints = [models.UniqueConstraint(fields=["activator", "user"], name="francenum_member_unique")]

    def __str__(self):
        return f"{self.user} — {self.activator}"

    @property
    def is_referent(self) -> bool:
        return self.role == MemberRole.REFERENT


class Invitation(PublicIdModel):
    """The referent invites another person of the structure by email (a link for that address only)."""

    activator = models.ForeignKey(Activator, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField("adresse électronique")
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "invitation d'un adhérent"
        verbose_name_plural = "invitations d'adhérents"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.email} → {self.activator}"


class ActivatorEvent(models.Model):
    """The log of an application and a structure: every transition and decision, with its author."""

    activator = models.ForeignKey(Activator, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField("événement", max_length=30, choices=EventKind.choices)
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField("auteur", max_length=255, blank=True)
    reason = models.TextField("motif", blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "événement d'un activateur"
        verbose_name_plural = "journal des activateurs"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.activator} — {self.get_kind_display()}"


class ThreadMessage(PublicIdModel):
    """The exchanges between the reviewers and the structure during validation (art. 3), emailed both ways."""

    activator = models.ForeignKey(Activator, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    from_administration = models.BooleanField("de l'administration", default=False)
    is_information_request = models.BooleanField("demande d'informations", default=False)
    body = models.TextField("message")
    attachment = models.FileField("pièce jointe", upload_to="francenum/thread/", blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "message de l'instruction"
        verbose_name_plural = "messages de l'instruction"
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.activator} — {self.created_at:%d/%m/%Y %H:%M}"


class ContactRequest(PublicIdModel):
    """A company writes to an activator from its profile; acknowledged within 48 business hours (art. 4)."""

    activator = models.ForeignKey(Activator, on_delete=models.CASCADE, related_name="contacts")
    status = models.CharField(max_length=20, choices=ContactStatus.choices, default=ContactStatus.PENDING)
    contact_name = models.CharField("nom et prénom", max_length=200)
    company_name = models.CharField("entreprise", max_length=200)
    siret = models.CharField("SIRET", max_length=14, blank=True)
    email = models.EmailField("adresse électronique")
    phone = models.CharField("téléphone", max_length=20, blank=True)
    message = models.TextField("message")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    due_at = models.DateTimeField("à accuser avant le")
    reminder_at = models.DateTimeField("relance le")
    reminded_at = models.DateTimeField("relancé le", null=True, blank=True)
    acknowledged_at = models.DateTimeField("accusé le", null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    breached_at = models.DateTimeField("délai dépassé constaté le", null=True, blank=True)

    objects = ContactRequestQuerySet.as_manager()

    class Meta:
        verbose_name = "prise de contact"
        verbose_name_plural = "prises de contact"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.company_name} → {self.activator}"

    @property
    def on_time(self) -> bool:
        return self.acknowledged_at is not None and self.acknowledged_at <= self.due_at


class ProfileView(models.Model):
    """Views of a published profile per month, counted server-side (no cookie, obvious robots excluded)."""

    activator = models.ForeignKey(Activator, on_delete=models.CASCADE, related_name="views")
    month = models.DateField("mois")
    count = models.PositiveIntegerField("consultations", default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["activator", "month"], name="francenum_view_unique")]

    def __str__(self):
        return f"{self.activator} — {self.month:%m/%Y}"


class SurveyCampaign(PublicIdModel):
    """The annual questionnaire (art. 4): members receive a signed link and answer once."""

    title = models.CharField("titre", max_length=200)
    opens_on = models.DateField("ouverture")
    closes_on = models.DateField("clôture")
    invited_count = models.PositiveIntegerField("adhérents sollicités", default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "campagne de questionnaire"
        verbose_name_plural = "campagnes de questionnaire"
        ordering = ["-opens_on"]

    def __str__(self):
        return self.title


class SurveyResponse(models.Model):
    campaign = models.ForeignKey(SurveyCampaign, on_delete=models.CASCADE, related_name="responses")
    member = models.ForeignKey(ActivatorMember, on_delete=models.SET_NULL, null=True, related_name="+")
    activator_kind = models.CharField(max_length=20, choices=Kind.choices, blank=True)
    region_name = models.CharField(max_length=100, blank=True)
    satisfaction = models.PositiveSmallIntegerField("satisfaction")
    companies_helped = models.PositiveIntegerField("entreprises accompagnées")
    contacts_useful = models.BooleanField("contacts utiles")
    comment = models.TextField("commentaire", blank=True)
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "member"], name="francenum_survey_once")]

    def __str__(self):
        return f"{self.campaign} — {self.answered_at:%d/%m/%Y}"


class RegionalReviewer(models.Model):
    """A reviewer of a regional direction (DREETS): sees and decides only the structures of its region."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="francenum_regions")
    region = models.ForeignKey(Region, verbose_name="région", on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = "instructeur régional"
        verbose_name_plural = "instructeurs régionaux"
        constraints = [models.UniqueConstraint(fields=["user", "region"], name="francenum_regional_unique")]

    def __str__(self):
        return f"{self.user} — {self.region}"
