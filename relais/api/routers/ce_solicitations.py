"""Conseillers-Entreprises, a partner's requests: filing one, following its status (scope `ce:file`)."""

import uuid

from django.http import HttpResponse
from ninja import Header, Router
from ninja.responses import Status

from ..auth import partner_key
from ..enums import Scope
from ..errors import ApiError, ErrorsOut
from ..representations import solicitation_out
from ..schemas.conseillers_entreprises import SolicitationIn, SolicitationOut
from ..scoping import partner_solicitations
from ..services.filing import file_solicitation

router = Router(tags=["Conseillers-Entreprises : demandes"], auth=partner_key(Scope.CE_FILE))

ERRORS = {401: ErrorsOut, 403: ErrorsOut, 422: ErrorsOut, 429: ErrorsOut}


@router.post(
    "/solicitations",
    operation_id="create_solicitation",
    response={201: SolicitationOut, 200: SolicitationOut, 400: ErrorsOut, 409: ErrorsOut, **ERRORS},
    summary="Déposer une demande",
    description=(
        "Dépose la demande d’une entreprise sur une de vos pages d’accueil, avec les contrôles du formulaire public "
        "(SIRET vérifié, description qui ne se limite pas au texte d’aide, téléphone, adresse électronique, "
        "réponses aux questions du sujet, acceptation des conditions d’utilisation). L’entreprise reçoit le même "
        "courriel de confirmation que sur le site.\n\n"
        "**Idempotence** : envoyez une clé `Idempotency-Key` unique par demande (un UUID, par exemple). Renvoyer "
        "la même requête avec la même clé ne crée pas de seconde demande : la réponse est 200 avec la demande créée "
        "la première fois (en-tête `Idempotent-Replayed: true`). La même clé avec un autre contenu répond 409. Une "
        "clé est retenue 30 jours : au-delà, ne la renvoyez plus.\n\n"
        "Réponse 201 : la demande créée ; gardez son `id` pour suivre son statut."
    ),
    openapi_extra={
        "responses": {
            "201": {
                "description": "La demande créée.",
                "links": {
                    "SuivreLaDemande": {
                        "operationId": "get_solicitation",
                        "parameters": {"id": "$response.body#/id"},
                        "description": "Suivre la demande créée.",
                    }
                },
            },
            "400": {"description": "En-tête Idempotency-Key vide ou trop long, ou corps qui n’est pas du JSON."},
            "409": {"description": "Page d’accueil en pause, ou clé d’idempotence déjà servie avec un autre contenu."},
            "422": {"description": "Champs invalides : chaque erreur nomme son champ dans `source`."},
        }
    },
)
def create_solicitation(
    request,
    response: HttpResponse,
    payload: SolicitationIn,
    idempotency_key: str = Header(
        ...,
        alias="Idempotency-Key",
        max_length=255,
        description="Clé unique par demande (de 1 à 255 caractères), pour pouvoir renvoyer sans doublon.",
    ),
):
    filed = file_solicitation(key=request.auth, payload=payload.dict(), idempotency_key=idempotency_key)
    if filed.created:
        # Just filed: no need yet, and its landing and subject are already loaded.
        return Status(201, solicitation_out(filed.solicitation, needs=[]))
    response["Idempotent-Replayed"] = "true"
    return Status(200, solicitation_out(partner_solicitations(request.auth).get(pk=filed.solicitation.pk)))


@router.get(
    "/solicitations/{id}",
    operation_id="get_solicitation",
    response={200: SolicitationOut, 404: ErrorsOut, **ERRORS},
    summary="Suivre une demande",
    description="Le statut d’une demande déposée sur une de vos pages d’accueil (par l’API, l’iframe ou un lien) "
    "et, une fois transmise, chaque besoin avec son statut et les institutions positionnées. Une demande déposée "
    "ailleurs répond 404.",
)
def get_solicitation(request, id: uuid.UUID):
    solicitation = partner_solicitations(request.auth).filter(public_id=id).first()
    if solicitation is None:
        raise ApiError(404, "Aucune de vos demandes n’a cet identifiant.", source="id")
    return solicitation_out(solicitation)
