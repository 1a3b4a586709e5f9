"""Forms of the France Num app (DSFR)."""

from django import forms
from dsfr.forms import DsfrBaseForm

from relais.companies.validators import SiretField
from relais.core.phones import PhoneField
from relais.core.uploads import IMAGES, MEGABYTE, PDF, ImageUploadField, UploadField
from relais.territories.models import Commune, Department, Region

from .enums import Category, Domain, Kind, ServiceKind, StaffSize
from .models import Activator, ActivatorMember

PROOF_KINDS = (PDF, *IMAGES)
PROOF_MAX_BYTES = 5 * MEGABYTE
OFFER_CHOICES = [
    (f"{domain}:{kind}", f"{domain_label} — {kind_label}")
    for domain, domain_label in Domain.choices
    for kind, kind_label in ServiceKind.choices
]


def _codes(text: str) -> list[str]:
    return [part.strip() for part in text.replace(";", ",").replace("\n", ",").split(",") if part.strip()]


class StructureForm(DsfrBaseForm, forms.ModelForm):
    """Step 3 (and later edits): the structure's published and management information."""

    siret = SiretField(required=False, help_text="14 chiffres. Laissez vide pour une structure sans SIRET.")
    commune_code = forms.CharField(
        label="Commune (code postal ou code INSEE)",
        required=False,
        max_length=5,
        help_text="Par exemple 69003. Laissez vide pour une structure établie hors de France.",
    )
    logo = ImageUploadField(label="Logo", required=False, max_side=400)
    foreign_proof = UploadField(
        label="Pièce justifiant l'existence et l'activité de la structure (structure sans SIRET)",
        required=False,
        kinds=PROOF_KINDS,
        max_bytes=PROOF_MAX_BYTES,
    )
    experience_proof = UploadField(
        label="Justificatif d'expérience (structure créée depuis moins de six mois)",
        required=False,
        kinds=PROOF_KINDS,
        max_bytes=PROOF_MAX_BYTES,
    )
    obligations_attestation = UploadField(
        label="Attestation de régularité sociale et fiscale (facultative)",
        required=False,
        kinds=PROOF_KINDS,
        max_bytes=PROOF_MAX_BYTES,
    )
    offers = forms.MultipleChoiceField(
        label="Offre de service (domaine × type de prestation)",
        choices=OFFER_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        help_text="Cochez au moins une case.",
    )
    served_regions = forms.ModelMultipleChoiceField(
        label="Régions servies",
        queryset=Region.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    served_departments = forms.ModelMultipleChoiceField(
        label="Départements servis",
        queryset=Department.objects.order_by("insee_code"),
        required=False,
        help_text="Maintenez Ctrl (ou Cmd) pour en choisir plusieurs.",
    )
    website = forms.URLField(label="Site internet", required=False, assume_scheme="https", max_length=200)
    served_communes_codes = forms.CharField(
        label="Communes servies (codes postaux ou codes INSEE)",
        required=False,
        help_text="Séparés par des virgules, par exemple 69001, 69100.",
    )

    class Meta:
        model = Activator
        fields = [
            "name",
            "kind",
            "category",
            "siret",
            "is_foreign",
            "country",
            "foreign_identifier",
            "foreign_proof",
            "address",
            "postal_code",
            "city",
            "commune_code",
            "staff_size",
            "website",
            "social_links",
            "client_references",
            "networks",
            "certifications",
            "description",
            "logo",
            "offers",
            "serves_france",
            "serves_remote",
            "served_regions",
            "served_departments",
            "served_communes_codes",
            "creation_date",
            "experience_declared",
            "experience_proof",
            "head_name",
            "head_function",
            "head_email",
            "head_approved_on",
            "obligations_declared",
            "obligations_attestation",
        ]
        labels = {
            "is_foreign": "La structure n'a pas de SIRET (établie dans un autre État de l'Union européenne, "
            "dans une collectivité d'outre-mer du Pacifique…)",
            "experience_declared": "Je déclare une expérience de plus de six mois dans la transformation numérique "
            "des TPE/PME (structure créée depuis moins de six mois)",
            "obligations_declared": "Je déclare que la structure est à jour de ses obligations sociales et fiscales",
            "head_approved_on": "Date de l'accord du responsable pour adhérer au programme",
        }
        widgets = {
            "head_approved_on": forms.DateInput(attrs={"type": "date"}),
            "creation_date": forms.DateInput(attrs={"type": "date"}),
            "description": forms.Textarea(attrs={"rows": 5}),
            "social_links": forms.Textarea(attrs={"rows": 2}),
            "client_references": forms.Textarea(attrs={"rows": 3}),
            "networks": forms.Textarea(attrs={"rows": 2}),
            "certifications": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "creation_date": "Reprise du répertoire des entreprises quand le SIRET y est trouvé.",
            "head_name": "Informations de gestion, jamais publiées.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = Kind.choices
        self.fields["category"].choices = Category.choices
        self.fields["staff_size"].choices = [("", "—"), *StaffSize.choices]
        for name in ("head_name", "head_function", "head_email", "head_approved_on", "description"):
            self.fields[name].required = True
        instance = self.instance
        if instance.pk and not self.is_bound:
            self.initial["offers"] = [f"{o.domain}:{o.service_kind}" for o in instance.offers.all()]
            self.initial["commune_code"] = instance.commune.insee_code if instance.commune_id else ""
            self.initial["served_communes_codes"] = ", ".join(
                instance.served_communes.values_list("insee_code", flat=True)
            )

    def clean_commune_code(self):
        code = self.cleaned_data["commune_code"].strip()
        if not code:
            return None
        commune = (
            Commune.objects.filter(insee_code=code).first()
            or Commune.objects.filter(postal_code_links__code=code).by_population().first()
        )
        if commune is None:
            raise forms.ValidationError("Aucune commune ne correspond à ce code.")
        return commune

    def clean_served_communes_codes(self):
        communes, unknown = [], []
        for code in _codes(self.cleaned_data["served_communes_codes"])[:200]:
            found = list(Commune.objects.filter(insee_code=code)) or list(
                Commune.objects.filter(postal_code_links__code=code).distinct()
            )
            (communes.extend(found) if found else unknown.append(code))
        if unknown:
            raise forms.ValidationError(f"Codes inconnus : {', '.join(unknown)}.")
        return communes

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("is_foreign"):
            if not cleaned.get("foreign_identifier"):
                self.add_error("foreign_identifier", "Indiquez le numéro d'identification de la structure.")
            if not (cleaned.get("foreign_proof") or self.instance.foreign_proof):
                self.add_error("foreign_proof", "Joignez une pièce justifiant l'existence de la structure.")
            if (cleaned.get("country") or "France").strip().lower() == "france":
                self.add_error("country", "Indiquez le pays ou la collectivité où la structure est établie.")
        else:
            if not cleaned.get("siret"):
                self.add_error("siret", "Indiquez le SIRET, ou cochez « La structure n'a pas de SIRET ».")
            if not cleaned.get("commune_code") and "commune_code" not in self.errors:
                self.add_error("commune_code", "Indiquez la commune de la structure.")
        if cleaned.get("experience_declared") and not (
            cleaned.get("experience_proof") or self.instance.experience_proof
        ):
            self.add_error("experience_proof", "Joignez un justificatif de l'expérience déclarée.")
        area = cleaned.get("serves_france") or cleaned.get("serves_remote") or cleaned.get("served_regions")
        area = area or cleaned.get("served_departments") or cleaned.get("served_communes_codes")
        if not area and not self.errors.get("served_communes_codes"):
            self.add_error("serves_france", "Indiquez la zone d'intervention de la structure.")
        return cleaned

    def service_data(self) -> tuple[dict, list[tuple[str, str]]]:
        """What services.registration.save_information takes: fields (files only when a new one came) and offer."""
        data = dict(self.cleaned_data)
        offers = [tuple(value.split(":", 1)) for value in data.pop("offers")]
        data["commune"] = data.pop("commune_code")
        data["served_communes"] = data.pop("served_communes_codes")
        for name in ("logo", "foreign_proof", "experience_proof", "obligations_attestation"):
            if not data.get(name) or data[name] is getattr(self.instance, name):
                data.pop(name, None)
        return data, offers


class CharterForm(DsfrBaseForm):
    accept = forms.BooleanField(
        label="J'ai lu la charte d'engagement des activateurs France Num et je l'accepte, au nom de ma structure "
        "dont le responsable a donné son accord.",
        error_messages={"required": "Cochez cette case pour accepter la charte et envoyer votre demande."},
    )


class MessageForm(DsfrBaseForm):
    body = forms.CharField(label="Votre message", widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)
    attachment = UploadField(
        label="Pièce jointe (facultative)", required=False, kinds=PROOF_KINDS, max_bytes=PROOF_MAX_BYTES
    )


class DecisionForm(DsfrBaseForm):
    DECISIONS = [
        ("request_information", "Demander des informations complémentaires"),
        ("validate", "Valider l'inscription"),
        ("refuse", "Refuser l'inscription"),
    ]
    decision = forms.ChoiceField(label="Décision", choices=DECISIONS, widget=forms.RadioSelect)
    message = forms.CharField(
        label="Message à la structure",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=5000,
        help_text="Obligatoire pour une demande d'informations ou un refus.",
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") in ("request_information", "refuse") and not cleaned.get("message", "").strip():
            self.add_error("message", "Écrivez le message envoyé à la structure.")
        return cleaned


class SanctionForm(DsfrBaseForm):
    ACTIONS = [
        ("suspend", "Suspendre la structure (fiche masquée, espace fermé)"),
        ("lift", "Lever la suspension"),
        ("delete", "Supprimer définitivement la structure et les comptes de ses adhérents"),
    ]
    action = forms.ChoiceField(label="Sanction", choices=ACTIONS, widget=forms.RadioSelect)
    reason = forms.CharField(label="Motif", widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") in ("suspend", "delete") and not cleaned.get("reason", "").strip():
            self.add_error("reason", "Indiquez le motif : il est communiqué à la structure.")
        return cleaned


class MemberSanctionForm(DsfrBaseForm):
    action = forms.ChoiceField(
        label="Sanction",
        choices=[("suspend", "Suspendre l'adhérent"), ("lift", "Lever la suspension de l'adhérent")],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label="Motif", widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000)
    suspend_account = forms.BooleanField(
        label="Suspendre aussi son compte Relais (toute connexion refusée)", required=False
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == "suspend" and not cleaned.get("reason", "").strip():
            self.add_error("reason", "Indiquez le motif : il est communiqué à la personne.")
        return cleaned


class ContactForm(DsfrBaseForm):
    contact_name = forms.CharField(label="Vos nom et prénom", max_length=200)
    company_name = forms.CharField(label="Votre entreprise", max_length=200)
    siret = SiretField(required=False, help_text="Facultatif : 14 chiffres.")
    email = forms.EmailField(label="Votre adresse électronique")
    phone = PhoneField(label="Votre téléphone", required=False)
    message = forms.CharField(label="Votre besoin", widget=forms.Textarea(attrs={"rows": 6}), max_length=5000)
    consent = forms.BooleanField(
        label="J'accepte que mes coordonnées et mon message soient transmis à cette structure pour qu'elle me "
        "recontacte.",
        error_messages={"required": "Cochez cette case pour que la structure puisse vous répondre."},
    )
    # Honeypot: hidden from people (CSS and aria-hidden); robots fill it.
    website = forms.CharField(label="Ne pas remplir", required=False)

    def contact_data(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("consent"), data.pop("website")
        data["siret"] = data.get("siret") or ""
        data["phone"] = data.get("phone") or ""
        return data


class InviteForm(DsfrBaseForm):
    email = forms.EmailField(label="Adresse électronique de la personne à inviter")


class MemberProfileForm(DsfrBaseForm, forms.ModelForm):
    photo = ImageUploadField(label="Photo ou avatar", required=False, max_side=400)
    phone = PhoneField(label="Téléphone publié", required=False)

    class Meta:
        model = ActivatorMember
        fields = ["photo", "job_title", "phone", "public_email", "presentation", "references"]
        widgets = {"presentation": forms.Textarea(attrs={"rows": 4}), "references": forms.Textarea(attrs={"rows": 3})}

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        return photo or self.instance.photo


class LeaveForm(DsfrBaseForm):
    scope = forms.ChoiceField(
        label="Que souhaitez-vous faire ?",
        choices=[("member", "Me désinscrire du programme"), ("structure", "Désinscrire toute la structure (référent)")],
        widget=forms.RadioSelect,
    )
    message = forms.CharField(
        label="Message à l'administration France Num",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="Par exemple : départ de la structure, changement d'activité.",
    )
    confirm = forms.BooleanField(
        label="Je confirme : ma fiche (ou celle de la structure) disparaît aussitôt de l'annuaire.",
        error_messages={"required": "Cochez cette case pour confirmer."},
    )


class HandOverForm(DsfrBaseForm):
    member = forms.ModelChoiceField(label="Nouveau référent", queryset=ActivatorMember.objects.none())

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members
        self.fields["member"].label_from_instance = lambda member: member.user.get_full_name() or member.user.email


class ReengageForm(DsfrBaseForm):
    accept = forms.BooleanField(
        label="J'accepte la charte d'engagement en vigueur pour une nouvelle période de 24 mois.",
        error_messages={"required": "Cochez cette case pour vous réengager."},
    )


class DirectoryForm(DsfrBaseForm):
    lieu = forms.CharField(label="Commune ou code postal", required=False, max_length=100)
    q = forms.CharField(label="Mots-clés", required=False, max_length=100)
    # Codes rather than model choices: the directory draws its selects from cached lists (views.public).
    departement = forms.RegexField(label="Département", regex=r"^[0-9AB]{2,3}$", required=False)
    region = forms.RegexField(label="Région", regex=r"^[0-9]{2}$", required=False)
    domaine = forms.ChoiceField(label="Domaine", choices=[("", "Tous")] + Domain.choices, required=False)
    prestation = forms.ChoiceField(
        label="Type de prestation", choices=[("", "Tous")] + ServiceKind.choices, required=False
    )
    type = forms.ChoiceField(label="Type de structure", choices=[("", "Tous")] + Kind.choices, required=False)
    categorie = forms.ChoiceField(label="Catégorie", choices=[("", "Toutes")] + Category.choices, required=False)


class QueueFilterForm(DsfrBaseForm):
    q = forms.CharField(label="Rechercher (nom, SIRET, ville)", required=False, max_length=100)
    region = forms.ModelChoiceField(label="Région", queryset=Region.objects.order_by("name"), required=False)
    type = forms.ChoiceField(label="Type", choices=[("", "Tous")] + Kind.choices, required=False)


class StatisticsFilterForm(DsfrBaseForm):
    region = forms.ModelChoiceField(label="Région", queryset=Region.objects.order_by("name"), required=False)
    type = forms.ChoiceField(label="Type de structure", choices=[("", "Tous")] + Kind.choices, required=False)
    start = forms.DateField(label="Du", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="Au", required=False, widget=forms.DateInput(attrs={"type": "date"}))


class SurveyCampaignForm(DsfrBaseForm):
    title = forms.CharField(label="Titre", max_length=200)
    opens_on = forms.DateField(label="Ouverture", widget=forms.DateInput(attrs={"type": "date"}))
    closes_on = forms.DateField(label="Clôture", widget=forms.DateInput(attrs={"type": "date"}))


class SurveyAnswerForm(DsfrBaseForm):
    satisfaction = forms.TypedChoiceField(
        label="Votre satisfaction à l'égard du programme France Num",
        choices=[(str(n), f"{n} sur 5") for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    companies_helped = forms.IntegerField(
        label="Nombre d'entreprises accompagnées dans le cadre du programme cette année", min_value=0, max_value=100000
    )
    contacts_useful = forms.TypedChoiceField(
        label="Les contacts reçus par le site vous ont-ils été utiles ?",
        choices=[("1", "Oui"), ("0", "Non")],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label="Commentaire (facultatif)", required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=3000
    )
