"""The public API v1: one NinjaAPI, one router module per service and concern.

Routers (relais/api/routers/):
- `ce_catalogue`: Conseillers-Entreprises landings, themes, subjects (key with `ce:read`);
- `ce_solicitations`: filing and following requests (key with `ce:file`);
- `stats`: public figures (open data: no key needed, per-IP quota).
France Num (`francenum:read` and open data) and Conseiller numérique (`cn:read` and open data) add theirs here.
"""

from http import HTTPStatus

from ninja import NinjaAPI
from ninja.openapi.docs import Swagger

from . import errors
from .routers import ce_catalogue, ce_solicitations, conseiller_numerique, francenum, stats

DESCRIPTION = """
L’API de Relais permet aux partenaires des services publics de mise en relation de proposer ces services sur
leur propre site : lister leurs pages d’accueil et leurs sujets, déposer la demande d’une entreprise, suivre son
statut, lire les chiffres publics.

## Obtenir une clé
Une clé appartient à un partenaire (une institution de l’annuaire Conseillers-Entreprises ou un organisme
autorisé). Les administrateurs du partenaire, désignés par l’équipe support, créent leurs clés depuis
« Mes clés d’API » sur Relais : la clé n’est affichée qu’une fois. Elle vaut 18 mois ; son expiration est annoncée
par courriel 30 jours avant. Une clé peut être remplacée (l’ancienne reste valable 7 jours) ou révoquée.

Envoyez-la dans l’en-tête `Authorization: Bearer rls_…`.

## Droits
`ce:read` (pages d’accueil, thèmes, sujets), `ce:file` (déposer et suivre des demandes), `francenum:read`,
`cn:read`. Une opération appelée sans le droit requis répond 403.

## Quotas
300 requêtes par tranche de 5 minutes et par clé (sauf quota propre à la clé) ; sans clé, sur les données
ouvertes, un quota par adresse IP. Chaque réponse porte les en-têtes `RateLimit-Limit`, `RateLimit-Remaining`,
`RateLimit-Reset` (secondes avant la fin de la tranche) et `RateLimit-Policy` ; au-delà, la réponse est 429 avec
`Retry-After`.

## Erreurs
Toute erreur a la même forme : `{"errors": [{"source": "email", "message": "…"}]}`. `source` nomme le champ
(chemin pointé dans le corps, paramètre ou en-tête) ou vaut `null` quand l’erreur porte sur toute la requête.
Codes : 400 (requête illisible), 401 (clé absente, inconnue, expirée ou révoquée), 403 (droit manquant),
404 (introuvable, ou qui ne vous appartient pas), 409 (conflit), 422 (champ invalide), 429 (quota dépassé).

## Webhook
Un partenaire peut donner l’adresse d’un webhook : à chaque changement de statut d’une demande déposée sur ses
pages (reçue, transmise, abandonnée, besoin pris en charge ou clôturé), Relais y envoie en POST le même contenu que
`GET /api/v1/solicitations/{id}`, dans `{"event": "solicitation.updated", "solicitation": {…}}`. L’en-tête
`Relais-Signature: t=<horodatage>,v1=<signature>` porte le HMAC-SHA256 (hexadécimal) de `<horodatage>.<corps>`
avec le secret du webhook : vérifiez-le, et refusez un horodatage de plus de 5 minutes. Répondez 2xx : sinon
l’envoi est retenté avec un délai croissant (dix tentatives sur environ deux jours).
"""


class FrenchSwagger(Swagger):
    """Swagger UI from our static files (`ninja` is in INSTALLED_APPS), in a page that says it is French."""

    template = "api/docs.html"


RESPONSES = {
    "200": "Succès.",
    "201": "Créé.",
    "400": "Requête illisible (corps qui n’est pas du JSON, en-tête mal formé).",
    "401": "Clé d’API absente, inconnue, expirée ou révoquée.",
    "403": "La clé n’a pas le droit que l’opération demande.",
    "404": "Introuvable, ou appartient à un autre partenaire.",
    "409": "Conflit avec l’état de la ressource.",
    "422": "Un ou plusieurs champs sont invalides : chaque erreur nomme son champ dans `source`.",
    "429": "Quota dépassé : réessayez après le délai de l’en-tête `Retry-After` (secondes).",
}
QUOTA_HEADERS = {
    "RateLimit-Limit": "Requêtes permises dans la tranche de temps.",
    "RateLimit-Remaining": "Requêtes qui restent dans la tranche.",
    "RateLimit-Reset": "Secondes avant la fin de la tranche.",
    "RateLimit-Policy": "Le quota et la durée de la tranche, par exemple « 300;w=300 ».",
}


class RelaisApi(NinjaAPI):
    """django-ninja's document, with French response descriptions, the quota headers and optional keys."""

    def get_openapi_schema(self, *args, **kwargs):
        schema = super().get_openapi_schema(*args, **kwargs)
        headers = {
            name: {"description": text, "schema": {"type": "string" if name == "RateLimit-Policy" else "integer"}}
            for name, text in QUOTA_HEADERS.items()
        }
        for path in schema["paths"].values():
            for operation in path.values():
                # django-ninja keys its responses by int and an operation's openapi_extra by str: merge them.
                merged: dict[str, dict] = {}
                for status, response in operation.get("responses", {}).items():
                    merged.setdefault(str(status), {}).update(response)
                operation["responses"] = merged
                for status, response in merged.items():
                    # django-ninja writes the English reason phrase; an operation's own description is kept.
                    if response.get("description") == HTTPStatus(int(status)).phrase:
                        response["description"] = RESPONSES.get(status, response["description"])
                    if operation.get("security"):
                        response.setdefault("headers", {}).update(headers)
                if operation.pop("x-optional-key", False):
                    operation["security"] = [{}, *operation["security"]]
        schema["components"]["securitySchemes"]["CleApi"]["description"] = (
            "Clé d’API du partenaire, dans l’en-tête `Authorization: Bearer rls_…`."
        )
        return schema


api = RelaisApi(
    title="API de Relais",
    version="1.0.0",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    docs=FrenchSwagger(settings={"persistAuthorization": False, "tryItOutEnabled": False}),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
errors.install(api)
api.add_router("/", ce_catalogue.router)
api.add_router("/", ce_solicitations.router)
api.add_router("/", stats.router)
api.add_router("/", conseiller_numerique.router)
api.add_router("/", francenum.router)
