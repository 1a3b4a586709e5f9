from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache

from .navigation import SERVICES


@login_not_required
def home(request):
    return render(request, "core/home.html", {"services": SERVICES})


def _static_page(template_name: str):
    @login_not_required
    def view(request):
        return render(request, template_name)

    return view


accessibility = _static_page("core/pages/accessibility.html")
legal_notice = _static_page("core/pages/legal_notice.html")
terms = _static_page("core/pages/terms.html")


@login_not_required
def sitemap(request):
    return render(request, "core/pages/sitemap.html", {"services": SERVICES})


@login_not_required
@never_cache
def health(request):
    """For load balancers and monitoring: the process answers and the database is reachable."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@login_not_required
def ping(request):
    """The cheapest response the stack can give: the reference point of the benchmarks."""
    return HttpResponse("ok", content_type="text/plain")


def _error_page(template_name: str, status: int):
    @login_not_required
    def view(request, exception=None):
        return render(request, template_name, status=status)

    return view


bad_request = _error_page("core/errors/400.html", 400)
permission_denied = _error_page("core/errors/403.html", 403)
page_not_found = _error_page("core/errors/404.html", 404)


@login_not_required
def server_error(request):
    # Rendered without context processors: the database may be the reason of the error.
    return HttpResponse(loader.render_to_string("core/errors/500.html"), status=500)
