"""OpenID Connect grants and tokens in the privacy registry: which service a person let sign them in, and when."""

from oauth2_provider.models import (
    DeviceGrant,
    get_access_token_model,
    get_application_model,
    get_grant_model,
    get_id_token_model,
    get_refresh_token_model,
)

from relais.privacy.enums import Erasure, Service
from relais.privacy.registry import PersonalData, by_user, register_personal_data

from .models import Consent, SignIn

TOKENS = "Jetons de connexion aux services numériques"

for model, label, fields, not_personal in (
    (get_application_model(), "Applications clientes que vous avez déclarées", ("name", "created"), {}),
    (get_grant_model(), TOKENS + " : autorisations", ("application", "scope", "expires", "created"), {}),
    (get_access_token_model(), TOKENS + " : accès", ("application", "scope", "expires", "created"), {}),
    (
        get_refresh_token_model(),
        TOKENS + " : renouvellement",
        ("application", "created", "revoked"),
        {"access_token": "jeton d’accès lié (secret haché, jamais exporté)"},
    ),
    (get_id_token_model(), TOKENS + " : identité", ("application", "scope", "expires", "created"), {}),
    (DeviceGrant, TOKENS + " : appareils", ("client_id", "scope", "expires"), {}),
):
    register_personal_data(
        PersonalData(
            model=model,
            service=Service.PORTAIL,
            label=label,
            fields=("user", *fields),
            owner=by_user("user"),
            erasure=Erasure.DELETED,
            erasure_note="Supprimés : les services numériques ne peuvent plus vous connecter.",
            not_personal=not_personal,
        )
    )

register_personal_data(
    PersonalData(
        model=Consent,
        service=Service.PORTAIL,
        label="Services connectés auxquels vous avez donné votre accord",
        fields=("user", "application", "scope", "granted_at", "last_used_at"),
        owner=by_user("user"),
        erasure=Erasure.DELETED,
        erasure_note="Supprimés : chaque service vous redemandera votre accord.",
        rectification="sso:connected_services",
    )
)
register_personal_data(
    PersonalData(
        model=SignIn,
        service=Service.PORTAIL,
        label="Connexions aux services numériques",
        fields=("user", "application", "acr", "amr", "auth_time", "created_at", "redeemed_at", "ended_at"),
        owner=by_user("user"),
        erasure=Erasure.DELETED,
        erasure_note="Supprimées.",
        not_personal={
            "session_id": "identifiant technique de session, sans valeur hors de Relais",
            "code_hash": "empreinte d’un code à usage unique déjà consommé",
            "token_family": "identifiant technique des jetons, sans valeur hors de Relais",
        },
    )
)
