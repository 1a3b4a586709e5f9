"""One error format for every answer of the API that is not a success:

    {"errors": [{"source": "email", "message": "Saisissez une adresse électronique valide…"}]}

`source` names the field (dotted path inside the body, or the query parameter, or the header) the message is
about, or is null when it is about the whole request. django-ninja's own answers (invalid JSON, schema
validation, authentication, 404) go through the handlers below, in French.
"""

from django.http import Http404, HttpRequest
from ninja.errors import AuthenticationError, HttpError, ValidationError
from pydantic import BaseModel

# French messages for the pydantic error types a client can trigger; the others fall back to a generic one.
PYDANTIC_MESSAGES = {
    "missing": "Ce champ est obligatoire.",
    "string_type": "Une chaîne de caractères est attendue.",
    "string_too_short": "Ce texte est trop court.",
    "string_too_long": "Ce texte est trop long.",
    "string_pattern_mismatch": "Ce texte n’a pas le format attendu.",
    "bool_type": "Un booléen (true ou false) est attendu.",
    "bool_parsing": "Un booléen (true ou false) est attendu.",
    "int_type": "Un nombre entier est attendu.",
    "int_parsing": "Un nombre entier est attendu.",
    "greater_than_equal": "Ce nombre est trop petit.",
    "less_than_equal": "Ce nombre est trop grand.",
    "uuid_type": "Un identifiant UUID est attendu.",
    "uuid_parsing": "Un identifiant UUID est attendu.",
    "dict_type": "Un objet JSON est attendu.",
    "model_type": "Un objet JSON est attendu.",
    "model_attributes_type": "Un objet JSON est attendu.",
    "list_type": "Une liste est attendue.",
    "extra_forbidden": "Ce champ n’est pas attendu.",
    "literal_error": "Cette valeur ne fait pas partie des valeurs permises.",
    "enum": "Cette valeur ne fait pas partie des valeurs permises.",
    "url_parsing": "Une adresse web (https://…) est attendue.",
    "url_scheme": "Une adresse web (https://…) est attendue.",
    "url_type": "Une adresse web (https://…) est attendue.",
    "json_invalid": "Le corps de la requête n’est pas un JSON valide.",
    "json_type": "Le corps de la requête n’est pas un JSON valide.",
    "date_parsing": "Une date AAAA-MM-JJ est attendue.",
    "date_from_datetime_parsing": "Une date AAAA-MM-JJ est attendue.",
}
GENERIC_MESSAGE = "Cette valeur n’est pas valide."
# Where a parameter comes from, as django-ninja writes it first in an error's location.
PARAMETER_PLACES = {"body", "query", "path", "header", "cookie", "form", "file"}


class ErrorItem(BaseModel):
    source: str | None = None
    message: str


class ErrorsOut(BaseModel):
    errors: list[ErrorItem]


class ApiError(Exception):
    """An answer other than success, with its status and the errors to show."""

    def __init__(self, status: int, message: str, *, source: str | None = None, headers: dict | None = None):
        super().__init__(message)
        self.status = status
        self.errors = [{"source": source, "message": message}]
        self.headers = headers or {}

    @classmethod
    def from_messages(cls, status: int, errors: list[dict]) -> "ApiError":
        error = cls(status, errors[0]["message"] if errors else "")
        error.errors = errors
        return error


def _source(location) -> str | None:
    parts = [str(part) for part in location]
    if parts and parts[0] in PARAMETER_PLACES:
        parts = parts[1:]
    # django-ninja nests a body schema under the name of the view's argument.
    if len(parts) > 1 and parts[0] == "payload":
        parts = parts[1:]
    return ".".join(parts) or None


def _message(error: dict) -> str:
    context = error.get("ctx") or {}
    # Our own validators raise ValueError with a French message; pydantic keeps it in ctx["error"].
    if error.get("type") == "value_error" and context.get("error"):
        return str(context["error"])
    return PYDANTIC_MESSAGES.get(error.get("type"), GENERIC_MESSAGE)


def validation_errors(errors: list[dict]) -> list[dict]:
    return [{"source": _source(error.get("loc", ())), "message": _message(error)} for error in errors]


def install(api) -> None:
    def respond(request: HttpRequest, status: int, errors: list[dict], headers: dict | None = None):
        response = api.create_response(request, {"errors": errors}, status=status)
        for name, value in (headers or {}).items():
            response[name] = value
        return response

    def on_api_error(request, exc: ApiError):
        return respond(request, exc.status, exc.errors, exc.headers)

    def on_validation_error(request, exc: ValidationError):
        return respond(request, 422, validation_errors(exc.errors))

    def on_authentication_error(request, exc: AuthenticationError):
        message = "Clé d’API manquante : envoyez l’en-tête « Authorization: Bearer <votre clé> »."
        return respond(request, 401, [{"source": "Authorization", "message": message}])

    def on_http_error(request, exc: HttpError):
        if exc.status_code == 400:
            message = "Le corps de la requête n’est pas un JSON valide."
        elif exc.status_code == 405:
            message = "Cette méthode n’est pas permise sur cette adresse."
        else:
            message = str(exc)
        return respond(request, exc.status_code, [{"source": None, "message": message}])

    def on_not_found(request, exc: Http404):
        return respond(request, 404, [{"source": None, "message": "Ressource introuvable."}])

    api.add_exception_handler(ApiError, on_api_error)
    api.add_exception_handler(ValidationError, on_validation_error)
    api.add_exception_handler(AuthenticationError, on_authentication_error)
    api.add_exception_handler(HttpError, on_http_error)
    api.add_exception_handler(Http404, on_not_found)
