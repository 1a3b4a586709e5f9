from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from dsfr.forms import DsfrBaseForm

from relais.core.uploads import JPEG, MEGABYTE, PDF, PNG, UploadField

from .enums import INCIDENT_TRANSITIONS, AuditAction, DataRight, IncidentKind, IncidentStatus, RequestStatus, Service
from .registry import registry

# Answers offered to the DPO: a start, edited before sending. {name}, {reference} and {date} are filled in.
ANSWER_TEMPLATES = {
    "acces": (
        "Accès : copie des données",
        "Bonjour {name},\n\nVous nous avez demandé le {date} une copie des données personnelles que nous détenons "
        "sur vous (demande {reference}). Vous la trouverez en suivant le lien de ce courriel : un document lisible et "
        "le même contenu au format JSON, réutilisable par une autre application. Le lien reste valable 30 jours.\n\n"
        "Ces données servent à la mise en relation que vous avez demandée ; leurs destinataires et leur durée de "
        "conservation sont décrits dans la page « Données personnelles » du service.",
    ),
    "effacement": (
        "Effacement réalisé",
        "Bonjour {name},\n\nComme vous nous l’avez demandé le {date} (demande {reference}), vos données personnelles "
        "ont été effacées : vos coordonnées et le contenu de vos demandes sont supprimés. Restent, sans lien avec "
        "vous, les informations statistiques du service (sujet, secteur, commune, dates). Le journal de sécurité "
        "garde une trace de cette opération pendant 12 mois, sous un pseudonyme, comme la loi nous y oblige.",
    ),
    "rectification": (
        "Rectification réalisée",
        "Bonjour {name},\n\nComme vous nous l’avez demandé le {date} (demande {reference}), nous avons corrigé les "
        "données suivantes : …",
    ),
    "opposition": (
        "Opposition ou limitation appliquée",
        "Bonjour {name},\n\nComme vous nous l’avez demandé le {date} (demande {reference}), nous avons cessé le "
        "traitement suivant de vos données : …",
    ),
    "aucune-donnee": (
        "Aucune donnée trouvée",
        "Bonjour {name},\n\nÀ la suite de votre demande du {date} (demande {reference}), nous avons cherché dans "
        "nos services les données liées à votre adresse électronique : nous n’en détenons aucune.",
    ),
    "identite-non-etablie": (
        "Refus : identité non établie",
        "Bonjour {name},\n\nNous n’avons pas pu traiter votre demande du {date} (demande {reference}) : le "
        "justificatif joint ne permet pas d’établir que vous êtes la personne concernée. Vous pouvez faire une "
        "nouvelle demande avec un justificatif lisible à votre nom.",
    ),
}


class RightsRequestForm(DsfrBaseForm):
    submission_token = forms.UUIDField(widget=forms.HiddenInput)
    right = forms.ChoiceField(
        label="Le droit que vous souhaitez exercer",
        choices=[("", "Sélectionnez un droit"), *DataRight.choices],
        error_messages={"required": "Choisissez le droit que vous souhaitez exercer."},
    )
    service = forms.ChoiceField(
        label="Le service concerné",
        choices=[("", "Sélectionnez un service"), *Service.choices],
        help_text="« Toute la plateforme » si vous ne savez pas, ou pour plusieurs services.",
        error_messages={"required": "Choisissez le service concerné."},
    )
    name = forms.CharField(
        label="Vos prénom et nom",
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": "Indiquez vos prénom et nom."},
    )
    email = forms.EmailField(
        label="Votre adresse électronique",
        help_text="Celle que vous avez donnée au service : nous y cherchons vos données et y envoyons la réponse. "
        "Format attendu : nom@domaine.fr",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": "Indiquez votre adresse électronique.",
            "invalid": "Indiquez une adresse électronique valide, par exemple nom@domaine.fr.",
        },
    )
    details = forms.CharField(
        label="Votre demande",
        max_length=5000,
        help_text="Ce qui vous concerne (une demande déposée, une lettre d’information…), les données à corriger "
        "et leur nouvelle valeur, le traitement auquel vous vous opposez.",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": "Précisez votre demande.",
            "max_length": "Votre demande est trop longue : %(limit_value)d caractères au plus (elle en compte "
            "%(show_value)d).",
        },
    )
    identity_proof = UploadField(
        label="Justificatif d’identité",
        kinds=(PDF, PNG, JPEG),
        max_bytes=5 * MEGABYTE,
        help_text="Une pièce d’identité à votre nom, au format PDF, PNG ou JPEG, 5 Mo au maximum. Vous pouvez masquer "
        "votre photo et votre numéro de document. Elle est supprimée dès que votre demande est close.",
        error_messages={
            "required": "Joignez un justificatif d’identité : nous ne répondons qu’à la personne concernée."
        },
    )
    # Honeypot: hidden from people (and from screen readers), filled in by robots that fill every field.
    website = forms.CharField(
        label="Ne pas remplir ce champ",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def is_spam(self) -> bool:
        return bool(self.cleaned_data.get("website"))


class NoteForm(DsfrBaseForm):
    message = forms.CharField(
        label="Note",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Écrivez la note."},
    )


class ObjectionForm(DsfrBaseForm):
    slug = forms.ChoiceField(label="Traitement à arrêter", choices=())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].choices = [(o.slug, o.label) for o in registry.objections_of()]


class AnswerForm(DsfrBaseForm):
    outcome = forms.ChoiceField(
        label="Issue",
        choices=[(RequestStatus.ANSWERED, "Répondre à la demande"), (RequestStatus.REJECTED, "Refuser la demande")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choisissez l’issue de la demande."},
    )
    answer = forms.CharField(
        label="Réponse envoyée à la personne",
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="Partez d’un modèle ci-dessus et complétez-le. Pour un accès, le lien vers la copie des données "
        "est ajouté au courriel.",
        error_messages={"required": "Écrivez la réponse."},
    )


def answer_from_template(slug: str, *, rights_request) -> str:
    _label, text = ANSWER_TEMPLATES[slug]
    return text.format(
        name=rights_request.name,
        reference=rights_request.reference,
        date=f"{timezone.localtime(rights_request.received_at):%d/%m/%Y}",
    )


class IncidentForm(DsfrBaseForm):
    submission_token = forms.UUIDField(widget=forms.HiddenInput)
    kind = forms.ChoiceField(
        label="Nature de l’incident",
        choices=[("", "Sélectionnez une nature"), *IncidentKind.choices],
        error_messages={"required": "Choisissez la nature de l’incident."},
    )
    description = forms.CharField(
        label="Description",
        max_length=10000,
        help_text="Ce qui s’est passé, ce qui est touché (données, comptes, services), ce que vous avez déjà fait. "
        "N’y recopiez pas les données personnelles concernées.",
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": "Décrivez l’incident."},
    )
    occurred_on = forms.DateField(
        label="Date de l’incident",
        required=False,
        help_text="Facultatif, si vous la connaissez.",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Saisissez une date valide, par exemple 14/03/2025."},
    )
    personal_data_breach = forms.BooleanField(
        label="Des données personnelles ont pu être perdues, divulguées ou modifiées",
        required=False,
        help_text="La CNIL doit alors être prévenue dans les 72 heures : l’équipe sécurité s’en charge.",
    )

    def clean_occurred_on(self):
        day = self.cleaned_data.get("occurred_on")
        if day and day > timezone.localdate():
            raise ValidationError("La date de l’incident ne peut pas être dans le futur.")
        return day


class IncidentUpdateForm(DsfrBaseForm):
    status = forms.ChoiceField(label="Statut", choices=())
    personal_data_breach = forms.BooleanField(label="Violation de données personnelles", required=False)
    cnil_notified = forms.BooleanField(label="La CNIL a été notifiée", required=False)
    note = forms.CharField(
        label="Note de suivi", required=False, max_length=10000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, incident, **kwargs):
        kwargs.setdefault("initial", {"status": incident.status, "personal_data_breach": incident.personal_data_breach})
        super().__init__(*args, **kwargs)
        current = IncidentStatus(incident.status)
        self.fields["status"].choices = [(status, status.label) for status in (current, *INCIDENT_TRANSITIONS[current])]
        if incident.cnil_notified_at:
            del self.fields["cnil_notified"]


class AuditSearchForm(DsfrBaseForm):
    q = forms.CharField(label="Personne, objet ou adresse IP", required=False, max_length=200)
    action = forms.ChoiceField(label="Action", required=False, choices=[("", "Toutes"), *AuditAction.choices])
    start = forms.DateField(
        label="Du", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end = forms.DateField(
        label="Au (inclus)", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["end"] < cleaned["start"]:
            self.add_error("end", "La date de fin doit suivre la date de début.")
        return cleaned
