"""Schemas of the Conseillers-Entreprises operations: what partners read and send, documented in French."""

import uuid
from datetime import datetime
from typing import Annotated, Literal

from ninja import Schema
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from relais.conseillers_entreprises.enums import LandingIntegration, MatchStatus, NeedStatus, SolicitationStatus
from relais.conseillers_entreprises.forms.public import MAX_DESCRIPTION_LENGTH, TRACKING_FIELDS


def _without_nul(value: str) -> str:
    # PostgreSQL text cannot hold NUL, and no slug, name or address has one: refuse it before any query.
    if "\x00" in value:
        raise ValueError("Le caractère nul (\\u0000) n’est pas permis.")
    return value


Text = Annotated[str, AfterValidator(_without_nul)]


class Out(BaseModel):
    """What the API answers: built from dicts, so plain pydantic models (django-ninja's Schema resolves attributes of
    ORM objects, which costs a tenth of a millisecond per object for nothing here)."""


IntegrationValue = Literal[tuple(LandingIntegration.values)]  # type: ignore[valid-type]
SolicitationStatusValue = Literal[tuple(SolicitationStatus.values)]  # type: ignore[valid-type]
NeedStatusValue = Literal[tuple(NeedStatus.values)]  # type: ignore[valid-type]
MatchStatusValue = Literal[tuple(MatchStatus.values)]  # type: ignore[valid-type]


class LandingOut(Out):
    slug: str = Field(description="Identifiant de la page d’accueil, à passer aux autres opérations.")
    title: str = Field(description="Titre de la page.")
    url: str = Field(description="Adresse publique de la page (à afficher en iframe ou en lien).")
    partner_url: str = Field(description="Site du partenaire qui présente la page.")
    integration: IntegrationValue = Field(
        description="Ce que la page propose : `service` (tous les thèmes), `theme` (un thème), `subjects` "
        "(une liste de sujets), `form` (un seul formulaire)."
    )
    iframe_allowed: bool = Field(description="La page peut être affichée en iframe par les origines autorisées.")
    paused: bool = Field(description="Page en pause : elle n’accepte aucune demande (ni par le site ni par l’API).")
    themes: list[str] = Field(description="Identifiants des thèmes proposés (vide : tous les thèmes).")
    subjects: list[str] = Field(description="Identifiants des sujets proposés (modes `subjects` et `form`).")


class LandingList(Out):
    count: int = Field(description="Nombre de résultats.")
    results: list[LandingOut]


class ThemeOut(Out):
    slug: str = Field(description="Identifiant du thème.")
    label: str = Field(description="Intitulé du thème.")
    description: str = Field(description="Présentation du thème.")
    subject_count: int = Field(description="Nombre de sujets ouverts dans ce thème.")


class ThemeList(Out):
    count: int
    results: list[ThemeOut]


class ThemeRef(Out):
    slug: str
    label: str


class QuestionOut(Out):
    key: str = Field(description="Clé de la question, à reprendre dans `questions` lors du dépôt.")
    label: str = Field(description="La question posée à l’entreprise (réponse oui ou non).")


class InstitutionOut(Out):
    slug: str
    name: str


class SubjectOut(Out):
    slug: str = Field(description="Identifiant du sujet, à passer en `subject` lors du dépôt.")
    label: str = Field(description="Intitulé du sujet.")
    description: str = Field(description="Exemples de besoins couverts, une ligne par exemple.")
    guidance: list[str] = Field(
        description="Ce que l’entreprise doit préciser dans sa description. Une description qui se contente de "
        "recopier ces lignes est refusée."
    )
    theme: ThemeRef
    other_need: bool = Field(description="Sujet « autre demande » : l’équipe du service oriente la demande.")
    siret_required: bool = Field(description="Le SIRET de l’établissement est exigé au dépôt.")
    questions: list[QuestionOut] = Field(description="Questions complémentaires (oui ou non), toutes obligatoires.")
    institutions: list[InstitutionOut] = Field(
        description="Institutions partenaires qui traitent ce sujet, à montrer à l’entreprise."
    )
    form_url: str = Field(description="Adresse publique du formulaire de ce sujet sur la page d’accueil.")


class SubjectList(Out):
    count: int
    results: list[SubjectOut]


class Tracking(Schema):
    """Campaign parameters (Matomo's names), kept with the request for the statistics."""

    model_config = ConfigDict(extra="forbid")

    mtm_campaign: Text | None = Field(None, max_length=200, description="Campagne.")
    mtm_kwd: Text | None = Field(None, max_length=200, description="Mot-clé de la campagne.")
    mtm_source: Text | None = Field(None, max_length=200, description="Source.")
    mtm_medium: Text | None = Field(None, max_length=200, description="Support.")
    mtm_content: Text | None = Field(None, max_length=200, description="Contenu.")


assert set(Tracking.model_fields) == set(TRACKING_FIELDS)


class SolicitationIn(Schema):
    """A company's request, as the public form takes it; the same checks apply."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "example": {
                "landing": "ma-page-partenaire",
                "subject": "droit-du-travail",
                "description": "Notre salarié demande un congé parental : quelles démarches et quels délais ?",
                "siret": "41816609600069",
                "first_name": "Claire",
                "last_name": "Martin",
                "phone": "06 12 34 56 78",
                "email": "claire@boulangerie-martin.fr",
                "questions": {},
                "terms_accepted": True,
                "origin_url": "https://partenaire.example.fr/aides/droit-du-travail",
                "tracking": {"mtm_campaign": "printemps"},
            }
        },
    )

    landing: Text = Field(max_length=100, description="Identifiant (slug) d’une de vos pages d’accueil.")
    subject: Text = Field(max_length=120, description="Identifiant (slug) d’un sujet proposé sur cette page.")
    description: Text = Field(
        max_length=MAX_DESCRIPTION_LENGTH,
        description="Le besoin, dans les mots de l’entreprise : 30 caractères au moins, pas seulement le texte "
        "d’aide du sujet.",
    )
    siret: Text = Field(max_length=20, description="SIRET de l’établissement (14 chiffres, espaces acceptés).")
    first_name: Text = Field(max_length=150, description="Prénom du dirigeant ou de la personne à rappeler.")
    last_name: Text = Field(max_length=150, description="Nom.")
    phone: Text = Field(max_length=32, description="Téléphone (06 12 34 56 78 ou +33 6 12 34 56 78).")
    email: Text = Field(max_length=254, description="Adresse électronique.")
    questions: dict[Text, bool] = Field(
        default_factory=dict, description="Réponse (true : oui, false : non) à chaque question du sujet, par clé."
    )
    terms_accepted: bool = Field(
        description="L’entreprise a accepté les conditions générales d’utilisation du service (obligatoire : true)."
    )
    origin_url: Text | None = Field(None, max_length=500, description="Page du partenaire d’où vient la demande.")
    tracking: Tracking | None = Field(None, description="Paramètres de campagne.")

    @field_validator("origin_url")
    @classmethod
    def _web_address(cls, value):
        if value and not value.startswith(("http://", "https://")):
            raise ValueError("Une adresse web commençant par https:// est attendue.")
        return value


class PositionOut(Out):
    institution: str = Field(description="Institution dont une équipe a reçu le besoin.")
    status: MatchStatusValue = Field(description="Position de cette équipe sur le besoin.")
    status_label: str


class NeedOut(Out):
    subject: ThemeRef = Field(description="Sujet du besoin (peut différer du sujet déposé, après analyse).")
    status: NeedStatusValue = Field(description="Statut du besoin, déduit des positions des équipes.")
    status_label: str
    positions: list[PositionOut] = Field(description="Les institutions sollicitées et leur position.")


class SolicitationOut(Out):
    id: uuid.UUID = Field(description="Identifiant de la demande, à garder pour suivre son statut.")
    status: SolicitationStatusValue = Field(
        description="`in_progress` : reçue, en cours d’analyse ; `processed` : transmise aux conseillers ; "
        "`canceled` : abandonnée (hors du champ du service, doublon…)."
    )
    status_label: str
    landing: str | None
    subject: ThemeRef | None
    submitted_at: datetime | None
    processed_at: datetime | None
    canceled_at: datetime | None
    needs: list[NeedOut] = Field(
        description="Une fois transmise : chaque besoin, son statut et les institutions positionnées. Aucune donnée "
        "personnelle des conseillers n’est communiquée."
    )
