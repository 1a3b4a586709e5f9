from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.views.decorators.http import require_GET

from .registry import RegistryUnavailable, get_registry

MIN_QUERY_LENGTH = 3
MAX_QUERY_LENGTH = 100
MAX_RESULTS = 10


@login_not_required
@require_GET
def search(request):
    """Establishments for a form's autocompletion, by name, SIREN or SIRET (public: companies use it to sign up)."""
    query = " ".join(request.GET.get("q", "").split())[:MAX_QUERY_LENGTH]
    if len(query) < MIN_QUERY_LENGTH:
        return JsonResponse({"results": []})
    try:
        establishments = get_registry().search(query, limit=MAX_RESULTS)
    except RegistryUnavailable as error:
        return JsonResponse({"error": str(error), "results": []}, status=503)
    return JsonResponse(
        {
            "results": [
                {
                    "siret": establishment.siret,
                    "siren": establishment.siren,
                    "name": establishment.label,
                    "address": establishment.address,
                    "postal_code": establishment.postal_code,
                    "commune": establishment.commune_name,
                    "commune_insee_code": establishment.commune_insee_code,
                    "is_head_office": establishment.is_head_office,
                    "display": establishment.display,
                }
                for establishment in establishments
            ]
        }
    )
