"""Forms of the public pages: filing a request without an account, and the newsletter."""

import re
import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.forms.utils import ErrorDict
from django.urls import reverse
from django.utils.html import format_html
from dsfr.forms import DsfrBaseForm
from dsfr.utils import dsfr_input_class_attr

from relais.companies.validators import SiretField
from relais.core.phones import PhoneField

from ..models import Subject, SubjectQuestion
from ..services.filing import FilingData, is_blocked_email, lookup_establishment

MIN_DESCRIPTION_LENGTH = 30
MAX_DESCRIPTION_LENGTH = 5000
QUESTION_PREFIX = "question_"
DRAFT_FIELDS = ("description", "siret", "first_name", "last_name", "phone", "email", "origin_url")
# Campaign parameters (Matomo's names) a partner's link may carry: kept with the request for the statistics.
TRACKING_FIELDS = ("mtm_campaign", "mtm_kwd", "mtm_source", "mtm_medium", "mtm_content")
TRACKING_MAX_LENGTH = 200
BLOCKED_EMAIL_MESSAGE = (
    "Cette adresse ne permet pas de déposer une demande. Si vous pensez qu’il s’agit d’une erreur, "
    "écrivez-nous depuis une autre adresse."
)


# Unicode non-characters (U+FDD0–U+FDEF and the last two code points of each plane) and control characters other
# than line breaks and tabs: nothing a person types, and PostgreSQL refuses the NUL byte.
_UNPRINTABLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufdd0-\ufdef"
    + "".join(f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17))
    + "]"
)


def printable(text: str) -> str:
    return _UNPRINTABLE.sub("", text)


def safe_origin_url(url: str) -> str:
    """The page the company came from when it is a web address, else nothing."""
    url = printable(url or "").strip()
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        return ""
    return url[:500]


def _comparable(text: str) -> str:
    """Letters and digits only, lowercased: the guidance pasted with other bullets or spaces still matches."""
    return re.sub(r"[\W_]+", "", text.lower())


class SolicitationForm(DsfrBaseForm):
    description = forms.CharField(
        label="Décrivez votre besoin",
        max_length=MAX_DESCRIPTION_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": "Décrivez votre besoin en quelques phrases."},
    )
    siret = SiretField(
        label="SIRET de votre établissement",
        help_text="14 chiffres. Vous pouvez aussi taper le nom de votre entreprise et choisir dans la liste.",
        error_messages={"required": "Indiquez le SIRET de votre établissement."},
        lookup=True,
    )
    first_name = forms.CharField(label="Prénom", max_length=150, error_messages={"required": "Indiquez votre prénom."})
    last_name = forms.CharField(label="Nom", max_length=150, error_messages={"required": "Indiquez votre nom."})
    phone = PhoneField(
        label="Téléphone",
        max_length=32,
        help_text="Un conseiller vous rappelle à ce numéro. Format attendu : 06 12 34 56 78 ou +33 6 12 34 56 78.",
        error_messages={"required": "Indiquez un numéro de téléphone où vous joindre."},
    )
    email = forms.EmailField(
        label="Adresse électronique",
        help_text="Format attendu : nom@domaine.fr",
        error_messages={
            "required": "Indiquez votre adresse électronique.",
            "invalid": "Saisissez une adresse électronique valide, par exemple nom@entreprise.fr.",
        },
    )
    terms_accepted = forms.BooleanField(
        label="J’accepte les conditions générales d’utilisation du service",
        error_messages={"required": "Acceptez les conditions générales d’utilisation pour envoyer votre demande."},
    )
    # Honeypot: hidden from people by a CSS class; robots fill every field they find.
    website = forms.CharField(label="Ne remplissez pas ce champ", required=False)
    submission_token = forms.UUIDField(widget=forms.HiddenInput)
    origin_url = forms.CharField(widget=forms.HiddenInput, required=False, max_length=500)

    def __init__(self, *args, subject: Subject, questions: list[SubjectQuestion], **kwargs):
        # DsfrBaseForm.__init__ builds (and caches) the bound fields to style them, which freezes their help texts:
        # the subject's fields are set up first, then styled the same way.
        super(DsfrBaseForm, self).__init__(*args, **kwargs)
        self.subject = subject
        self.questions = questions
        self.establishment = None
        self.registry_warning = ""
        self.fields["terms_accepted"].help_text = format_html(
            '<a href="{}" target="_blank" rel="noopener" title="Conditions générales d’utilisation - nouvelle fenêtre">'
            "Lire les conditions générales d’utilisation</a>",
            reverse("core:terms"),
        )
        if subject.guidance:
            self.fields["description"].help_text = "Précisez notamment : " + " ; ".join(self.guidance_items) + "."
        for question in questions:
            self.fields[QUESTION_PREFIX + question.key] = forms.TypedChoiceField(
                label=question.label,
                choices=[("oui", "Oui"), ("non", "Non")],
                coerce=lambda value: value == "oui",
                widget=forms.RadioSelect,
                error_messages={"required": "Répondez par oui ou par non."},
            )
        for name in TRACKING_FIELDS:
            self.fields[name] = forms.CharField(
                widget=forms.HiddenInput, required=False, max_length=TRACKING_MAX_LENGTH
            )
        self.fields["website"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})
        self.fields["first_name"].widget.attrs["autocomplete"] = "given-name"
        self.fields["last_name"].widget.attrs["autocomplete"] = "family-name"
        self.fields["phone"].widget.attrs.update({"autocomplete": "tel", "type": "tel"})
        self.fields["email"].widget.attrs.update({"autocomplete": "email", "type": "email"})
        for visible in self.visible_fields():
            dsfr_input_class_attr(visible)

    @property
    def guidance_items(self) -> list[str]:
        return [line.strip() for line in self.subject.guidance.splitlines() if line.strip()]

    @property
    def tracking_fields(self):
        return [self[name] for name in TRACKING_FIELDS]

    @property
    def question_fields(self):
        return [self[QUESTION_PREFIX + question.key] for question in self.questions]

    def clean_description(self):
        description = self.cleaned_data["description"].strip()
        if self.subject.guidance:
            typed = own_words = _comparable(description)
            for item in [self.subject.guidance, *self.guidance_items]:
                own_words = own_words.replace(_comparable(item), "")
            if own_words != typed and len(own_words) < MIN_DESCRIPTION_LENGTH // 2:
                raise ValidationError(
                    "Décrivez votre situation avec vos propres mots : le texte d’aide ne suffit pas à un conseiller "
                    "pour comprendre votre besoin.",
                    code="guidance_only",
                )
        if len(description) < MIN_DESCRIPTION_LENGTH:
            missing = MIN_DESCRIPTION_LENGTH - len(description)
            raise ValidationError(
                f"Votre description est trop courte : ajoutez au moins {missing} caractère{'s' if missing > 1 else ''} "
                f"({MIN_DESCRIPTION_LENGTH} au minimum) pour qu’un conseiller comprenne votre besoin.",
                code="too_short",
            )
        return description

    def clean_siret(self):
        siret = self.cleaned_data["siret"]
        lookup = lookup_establishment(siret=siret)
        self.establishment, self.registry_warning = lookup.establishment, lookup.warning
        return siret

    def clean_origin_url(self):
        # A hidden field anyone can post: only a web page's address is kept (never "javascript:" or "data:").
        return safe_origin_url(self.cleaned_data["origin_url"])

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        if is_blocked_email(email):
            raise ValidationError(BLOCKED_EMAIL_MESSAGE, code="blocked")
        return email

    def clean(self):
        cleaned_data = super().clean()
        if self.data.get(self.add_prefix("website")):
            raise ValidationError(
                "Votre demande n’a pas pu être envoyée : un champ réservé à la détection des envois automatiques a "
                "été rempli. Videz le champ « Ne remplissez pas ce champ » puis renvoyez le formulaire.",
                code="honeypot",
            )
        return cleaned_data

    def filing_data(self) -> FilingData:
        tracking = {name: self.cleaned_data[name] for name in TRACKING_FIELDS if self.cleaned_data.get(name)}
        return FilingData(**{name: self.cleaned_data.get(name) or "" for name in DRAFT_FIELDS}, tracking=tracking)

    def answers(self) -> dict[SubjectQuestion, bool]:
        return {question: self.cleaned_data[QUESTION_PREFIX + question.key] for question in self.questions}

    # Drafts: only the email is checked (the resume link is sent to it); the rest is kept as typed.

    def is_valid_draft(self) -> bool:
        self._errors = ErrorDict(renderer=self.renderer)
        self.cleaned_data = {}
        field = self.fields["email"]
        try:
            email = field.clean(field.widget.value_from_datadict(self.data, self.files, self.add_prefix("email")))
            if is_blocked_email(email):
                raise ValidationError(BLOCKED_EMAIL_MESSAGE, code="blocked")
            self.cleaned_data["email"] = email.strip()
        except ValidationError as error:
            self.add_error("email", error)
        if self.data.get(self.add_prefix("website")):
            self.add_error(None, ValidationError("Votre demande n’a pas pu être enregistrée.", code="honeypot"))
        return not self._errors

    def _draft_value(self, name: str) -> str:
        """The field cleaned as a submission cleans it; when it is not valid yet (a draft may be unfinished), the text
        as typed, without NUL bytes nor non-characters and within the field's length."""
        field = self.fields[name]
        raw = field.widget.value_from_datadict(self.data, self.files, self.add_prefix(name))
        try:
            return field.clean(raw) or ""
        except ValidationError:
            limit = getattr(field, "max_length", None) or MAX_DESCRIPTION_LENGTH
            return printable(str(raw or "")).strip()[:limit]

    def draft_data(self) -> FilingData:
        values = {name: self._draft_value(name) for name in DRAFT_FIELDS}
        values["siret"] = re.sub(r"\D", "", values["siret"])[:14]
        values["origin_url"] = safe_origin_url(values["origin_url"])
        values["email"] = self.cleaned_data["email"]
        tracking = {name: value for name in TRACKING_FIELDS if (value := self._draft_value(name))}
        return FilingData(**values, tracking=tracking)

    def draft_answers(self) -> dict[SubjectQuestion, bool]:
        answers = {}
        for question in self.questions:
            value = self.data.get(self.add_prefix(QUESTION_PREFIX + question.key))
            if value in ("oui", "non"):
                answers[question] = value == "oui"
        return answers

    def draft_token(self) -> uuid.UUID:
        try:
            return uuid.UUID(str(self.data.get(self.add_prefix("submission_token"), "")))
        except ValueError:
            return uuid.uuid4()


class NewsletterForm(DsfrBaseForm):
    email = forms.EmailField(
        label="Votre adresse électronique",
        help_text="Format attendu : nom@domaine.fr",
        error_messages={
            "required": "Indiquez votre adresse électronique.",
            "invalid": "Saisissez une adresse électronique valide, par exemple nom@entreprise.fr.",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs.update({"autocomplete": "email", "type": "email"})
