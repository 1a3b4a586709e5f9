from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.views.decorators.http import require_GET

from .services import autocomplete_communes

MIN_QUERY_LENGTH = 2


@login_not_required
@require_GET
def communes_autocomplete(request):
    """Suggestions for a commune field: `?q=` a name's beginning or a postal code, `&limit=` up to 20."""
    text = request.GET.get("q", "").strip()[:100]
    try:
        limit = int(request.GET.get("limit", 10))
    except ValueError:
        limit = 10
    communes = autocomplete_communes(text, limit=limit) if len(text) >= MIN_QUERY_LENGTH else []
    results = [
        {
            "insee_code": commune.insee_code,
            "name": commune.name,
            "postal_codes": commune.postal_codes,
            "department": commune.department.insee_code,
            "department_name": commune.department.name,
        }
        for commune in communes
    ]
    return JsonResponse(results, safe=False, headers={"Cache-Control": f"public, max-age={60 * 60}"})
