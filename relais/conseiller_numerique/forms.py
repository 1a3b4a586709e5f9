"""Forms of the service (DSFR); every error in French on its field."""

import re

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from dsfr.forms import DsfrBaseForm

from relais.companies.registry import RegistryUnavailable, get_registry
from relais.companies.validators import SiretField
from relais.core.phones import parse_phone
from relais.core.uploads import UploadField
from relais.territories.models import Commune, CommuneKind
from relais.territories.names import normalize_name

from .enums import ContractType, Distance, MatchStatus, Opinion, PixLevel, PlaceAccess, RuptureReason, StructureKind

MOTIVATION_MAX = 2500
_POSTAL = re.compile(r"^\s*(\d{5})\s*(.*)$")


def commune_label(commune: Commune, postal_code: str = "") -> str:
    """The commune as "69003 Lyon": with the postal code typed when it is one of its codes, otherwise its first."""
    codes = commune.postal_codes
    code = postal_code if postal_code in codes else (codes[0] if codes else "")
    return f"{code} {commune.name}" if code else commune.name


def phone_number(value: str) -> str:
    return parse_phone(value) if value else ""


class CommuneField(forms.CharField):
    """A commune typed as a postal code, a name, or both ("69001 Lyon"); several candidates: the error lists them."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 200)
        kwargs.setdefault(
            "help_text", "Code postal ou nom de la commune, par exemple « 69001 » ou « 69001 Lyon » ou « Sète »."
        )
        super().__init__(**kwargs)
        self.widget.attrs.update({"list": "cn-communes", "autocomplete": "off", "data-cn-communes": ""})

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return None
        communes = Commune.objects.select_related("department").with_postal_codes()
        match = _POSTAL.match(text)
        if match:
            found = list(communes.for_postal_code(match.group(1)).by_population())
            name = normalize_name(match.group(2))
            if name:
                # The name as written first ("69001 Lyon": Lyon, not also "Lyon 1er Arrondissement", which shares
                # the code), then the names it begins, then the code alone.
                found = (
                    [commune for commune in found if commune.search_name == name]
                    or [commune for commune in found if commune.search_name.startswith(name)]
                    or found
                )
            else:
                found = _own_arrondissement(found)
        else:
            exact = list(communes.filter(search_name=normalize_name(text)).by_population())
            found = exact or list(communes.matching(text).by_population()[:11])
        found = [commune for commune in found if commune.latitude is not None]
        if not found:
            raise ValidationError("Aucune commune ne correspond : vérifiez le code postal ou le nom.", code="unknown")
        if len(found) > 1:
            typed = match.group(1) if match else ""
            labels = ", ".join(f"« {commune_label(commune, typed)} »" for commune in found[:10])
            raise ValidationError(f"Plusieurs communes correspondent, précisez laquelle : {labels}.", code="several")
        return found[0]


def _own_arrondissement(found: list[Commune]) -> list[Commune]:
    """A postal code of Paris, Lyon or Marseille gives the city and the one arrondissement it serves ("69003": Lyon
    and Lyon 3e Arrondissement): the arrondissement, where the person is, rather than a question."""
    arrondissements = [c for c in found if c.kind == CommuneKind.ARRONDISSEMENT and c.latitude is not None]
    cities = {commune.parent_id or commune.pk for commune in found}
    return arrondissements if len(arrondissements) == 1 and len(cities) == 1 else found


class HoneypotMixin(forms.Form):
    # Hidden from people (and screen readers), filled in by robots that fill every field.
    website = forms.CharField(
        label="Ne pas remplir ce champ",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def is_spam(self) -> bool:
        return bool(self.cleaned_data.get("website"))


def _motivation(label: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=MOTIVATION_MAX,
        help_text=f"{MOTIVATION_MAX} caractères au maximum.",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": "Expliquez votre motivation.",
            "max_length": "Votre texte est trop long : %(limit_value)d caractères au plus (il en compte "
            "%(show_value)d).",
        },
    )


def _future_date(label: str, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        help_text=help_text or "Format attendu : JJ/MM/AAAA.",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "Indiquez une date.", "invalid": "Indiquez une date valide."},
    )


class CandidateSituationMixin(forms.Form):
    situations = forms.MultipleChoiceField(
        label="Votre situation",
        help_text="Cochez au moins une case.",
        choices=[
            ("job_seeker", "Demandeur ou demandeuse d'emploi"),
            ("employed", "En emploi"),
            ("in_training", "En formation"),
        ],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Cochez au moins une situation."},
    )
    available_from = _future_date("Date de disponibilité", "Aujourd'hui ou plus tard. Format attendu : JJ/MM/AAAA.")
    max_distance_km = forms.TypedChoiceField(
        label="Distance maximale que vous acceptez de parcourir",
        choices=Distance.choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choisissez une distance."},
    )

    def clean_available_from(self):
        value = self.cleaned_data["available_from"]
        # A date already passed may stay as it is (a candidate available since then changes their distance).
        if value < timezone.localdate() and value != self.initial.get("available_from"):
            raise ValidationError("La date de disponibilité doit être aujourd'hui ou plus tard.")
        return value

    def situation_data(self) -> dict:
        chosen = set(self.cleaned_data["situations"])
        return {
            "is_job_seeker": "job_seeker" in chosen,
            "is_employed": "employed" in chosen,
            "is_in_training": "in_training" in chosen,
        }


class CandidateApplicationForm(HoneypotMixin, CandidateSituationMixin, DsfrBaseForm):
    first_name = forms.CharField(
        label="Prénom", max_length=100, widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    last_name = forms.CharField(
        label="Nom", max_length=100, widget=forms.TextInput(attrs={"autocomplete": "family-name"})
    )
    email = forms.EmailField(
        label="Adresse électronique",
        help_text="Format attendu : nom@domaine.fr",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": "Indiquez une adresse électronique valide, par exemple nom@domaine.fr."},
    )
    phone = forms.CharField(
        label="Téléphone",
        max_length=20,
        help_text="Format attendu : 06 12 34 56 78",
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )
    commune = CommuneField(label="Votre commune")
    has_diploma = forms.TypedChoiceField(
        label="Avez-vous un diplôme de la médiation numérique ?",
        choices=[("oui", "Oui"), ("non", "Non")],
        coerce=lambda value: value == "oui",
        widget=forms.RadioSelect,
        error_messages={"required": "Répondez à cette question."},
    )
    diploma_name = forms.CharField(
        label="Intitulé du diplôme", max_length=200, required=False, help_text="Obligatoire si vous êtes diplômé(e)."
    )
    has_experience = forms.TypedChoiceField(
        label="Avez-vous une expérience dans la médiation numérique ?",
        choices=[("oui", "Oui"), ("non", "Non")],
        coerce=lambda value: value == "oui",
        widget=forms.RadioSelect,
        error_messages={"required": "Répondez à cette question."},
    )
    motivation = _motivation("Votre motivation")
    cv = UploadField(label="Votre CV", required=False)

    def clean_phone(self):
        return phone_number(self.cleaned_data["phone"])

    def clean(self):
        data = super().clean()
        if data.get("has_diploma") and not data.get("diploma_name", "").strip():
            self.add_error("diploma_name", "Indiquez l'intitulé de votre diplôme.")
        return data

    def application_data(self) -> dict:
        data = self.cleaned_data
        return {
            **{name: data[name] for name in ("first_name", "last_name", "email", "phone", "has_diploma")},
            "diploma_name": data["diploma_name"].strip() if data["has_diploma"] else "",
            "has_experience": data["has_experience"],
            "available_from": data["available_from"],
            "max_distance_km": data["max_distance_km"],
            "motivation": data["motivation"],
            **self.situation_data(),
        }


class CandidateUpdateForm(CandidateSituationMixin, DsfrBaseForm):
    phone = CandidateApplicationForm.base_fields["phone"]
    commune = CommuneField(label="Votre commune")
    cv = UploadField(label="Remplacer votre CV", required=False)

    def clean_phone(self):
        return phone_number(self.cleaned_data["phone"])


class AccountForm(DsfrBaseForm):
    password = forms.CharField(
        label="Choisissez un mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="12 caractères au moins, avec des lettres, des chiffres et des caractères spéciaux.",
    )


class StructureApplicationForm(HoneypotMixin, DsfrBaseForm):
    kind = forms.ChoiceField(
        label="Type de structure", choices=[("", "Sélectionnez une option"), *StructureKind.choices]
    )
    siret = SiretField(label="SIRET de la structure", lookup=True)
    commune = CommuneField(label="Commune où exercera le conseiller numérique")
    mission_start = _future_date(
        "Date de début de la mission", "Aujourd'hui ou plus tard. Format attendu : JJ/MM/AAAA."
    )
    posts_wanted = forms.IntegerField(
        label="Nombre de postes demandés", min_value=1, max_value=100, error_messages={"min_value": "Au moins 1."}
    )
    motivation = _motivation("Motivation de la structure")
    contact_first_name = forms.CharField(label="Prénom du contact", max_length=100)
    contact_last_name = forms.CharField(label="Nom du contact", max_length=100)
    contact_function = forms.CharField(label="Fonction du contact", max_length=150)
    contact_email = forms.EmailField(
        label="Adresse électronique du contact",
        help_text="La confirmation y sera envoyée. Format attendu : nom@domaine.fr",
    )
    contact_phone = forms.CharField(label="Téléphone du contact", max_length=20, help_text="Format : 04 78 12 34 56")
    commitment = forms.BooleanField(
        label="La structure s'engage à accueillir le conseiller numérique dans le respect du programme et à "
        "fournir des informations sincères et exactes.",
        error_messages={"required": "Cochez l'engagement pour déposer la candidature."},
    )

    def clean_mission_start(self):
        start = self.cleaned_data["mission_start"]
        if start < timezone.localdate():
            raise ValidationError("La date de début de la mission doit être aujourd'hui ou plus tard.")
        return start

    def clean_contact_phone(self):
        return phone_number(self.cleaned_data["contact_phone"])

    @property
    def establishment(self):
        """The establishment the SIRET designates, once the form has found it (shown under the field)."""
        return getattr(self, "cleaned_data", {}).get("establishment")

    def clean(self):
        data = super().clean()
        if data.get("siret") and not self.errors.get("siret"):
            try:
                establishment = get_registry().get_establishment(data["siret"])
            except RegistryUnavailable as error:
                self.add_error("siret", str(error))
                return data
            if establishment is None:
                self.add_error("siret", "Aucun établissement ne correspond à ce SIRET : vérifiez les chiffres.")
            else:
                data["establishment"] = establishment
        return data


class MissionForm(DsfrBaseForm):
    mission_start = forms.DateField(
        label="Date de début de la mission",
        help_text="Format attendu : JJ/MM/AAAA.",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    commune = CommuneField(label="Commune où exercera le conseiller numérique")


class OpinionForm(DsfrBaseForm):
    opinion = forms.ChoiceField(label="Avis", choices=Opinion.choices, widget=forms.RadioSelect)
    comment = forms.CharField(
        label="Commentaire",
        min_length=10,
        max_length=1000,
        help_text="Entre 10 et 1 000 caractères.",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "min_length": "Le commentaire doit compter au moins 10 caractères.",
            "max_length": "Le commentaire doit compter au plus 1 000 caractères.",
        },
    )


class DecisionForm(DsfrBaseForm):
    status = forms.ChoiceField(label="Décision", choices=(), widget=forms.RadioSelect)
    posts_granted = forms.IntegerField(
        label="Postes accordés", min_value=1, max_value=100, required=False, help_text="Obligatoire pour valider."
    )
    comment = forms.CharField(label="Commentaire (facultatif)", max_length=1000, required=False, widget=forms.Textarea)

    def __init__(self, *args, allowed=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [(status.value, status.label) for status in allowed]

    def clean(self):
        data = super().clean()
        if data.get("status") == "validated" and not data.get("posts_granted"):
            self.add_error("posts_granted", "Indiquez le nombre de postes accordés.")
        return data


class MatchFilterForm(DsfrBaseForm):
    situation = forms.ChoiceField(
        label="Situation",
        required=False,
        choices=[
            ("", "Toutes"),
            ("job_seeker", "Demandeur d'emploi"),
            ("employed", "En emploi"),
            ("in_training", "En formation"),
        ],
    )
    diploma = forms.ChoiceField(
        label="Diplôme", required=False, choices=[("", "Indifférent"), ("oui", "Diplômé(e)"), ("non", "Non diplômé(e)")]
    )
    pix = forms.TypedChoiceField(
        label="Niveau Pix (partagé) au moins",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "Indifférent"), *PixLevel.choices],
    )
    distance = forms.TypedChoiceField(
        label="Distance au plus",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "Indifférente"), *[(v, f"{v} km") for v in (5, 10, 15, 20, 40, 100)]],
    )
    available_by = forms.DateField(
        label="Disponible au plus tard le",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def apply(self, queryset):
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data["situation"]:
            queryset = queryset.filter(**{f"is_{data['situation']}": True})
        if data["diploma"]:
            queryset = queryset.filter(has_diploma=data["diploma"] == "oui")
        if data["pix"]:
            queryset = queryset.filter(pix_shared=True, pix_level__gte=data["pix"])
        if data["distance"]:
            queryset = queryset.filter(distance__lte=data["distance"])
        if data["available_by"]:
            queryset = queryset.filter(available_from__lte=data["available_by"])
        return queryset


class MatchStatusForm(DsfrBaseForm):
    status = forms.ChoiceField(
        choices=[(s.value, s.label) for s in (MatchStatus.NEW, MatchStatus.PRESELECTED, MatchStatus.NOT_RETAINED)]
    )


class ContractForm(DsfrBaseForm):
    contract_type = forms.ChoiceField(label="Type de contrat", choices=ContractType.choices, widget=forms.RadioSelect)
    contract_start = _future_date("Début du contrat")
    contract_end = forms.DateField(
        label="Fin du contrat",
        required=False,
        help_text="Sauf CDI. Format attendu : JJ/MM/AAAA.",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    gross_salary = forms.DecimalField(
        label="Salaire brut mensuel (€)",
        max_digits=8,
        decimal_places=2,
        help_text=f"Au moins le SMIC : {settings.CN_SMIC_MONTHLY_GROSS} € brut par mois.",
    )

    def clean(self):
        data = super().clean()
        if data.get("contract_type") and data["contract_type"] != ContractType.CDI and not data.get("contract_end"):
            self.add_error("contract_end", "Indiquez la date de fin du contrat.")
        if data.get("contract_end") and data.get("contract_start") and data["contract_end"] <= data["contract_start"]:
            self.add_error("contract_end", "La fin du contrat doit suivre son début.")
        return data


class RuptureForm(DsfrBaseForm):
    date = _future_date("Date de la rupture")
    reason = forms.ChoiceField(label="Motif", choices=RuptureReason.choices, widget=forms.RadioSelect)


class PlaceForm(DsfrBaseForm):
    name = forms.CharField(label="Nom du lieu", max_length=200)
    address = forms.CharField(label="Adresse", max_length=255)
    commune = CommuneField(label="Commune")
    phone = forms.CharField(label="Téléphone (facultatif)", max_length=20, required=False)
    email = forms.EmailField(label="Adresse électronique (facultatif)", required=False)
    website = forms.URLField(label="Site internet (facultatif)", required=False, assume_scheme="https")
    opening_hours = forms.CharField(label="Horaires d'ouverture (facultatif)", max_length=300, required=False)
    access = forms.ChoiceField(label="Accès", choices=PlaceAccess.choices, widget=forms.RadioSelect)

    def clean_phone(self):
        return phone_number(self.cleaned_data["phone"])


class AdvisorProfileForm(DsfrBaseForm):
    professional_email = forms.EmailField(label="Adresse électronique professionnelle", required=False)
    professional_phone = forms.CharField(label="Téléphone professionnel", max_length=20, required=False)

    def clean_professional_phone(self):
        return phone_number(self.cleaned_data["professional_phone"])


class MapSearchForm(DsfrBaseForm):
    q = forms.CharField(label="Commune ou code postal", max_length=100, required=False)
