from django.contrib import admin
from django.urls import include, path

from relais.api.urls import api_v1

admin.site.site_header = "Administration de Relais"
admin.site.site_title = "Relais"
admin.site.index_title = "Tableau de bord"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("compte/", include("relais.accounts.urls")),
    path("compte/services-connectes/", include("relais.sso.account_urls")),
    path("territoires/", include("relais.territories.urls")),
    path("entreprises/", include("relais.companies.urls")),
    path("organisations/", include("relais.organizations.urls")),
    path("cgu/", include("relais.legal.urls")),
    path("aide/", include("relais.assistance.urls")),
    path("oidc/", include("relais.sso.urls")),
    path("donnees-personnelles/", include("relais.privacy.urls")),
    path("incidents/", include("relais.privacy.incident_urls")),
    path("api/v1/", api_v1),
    path("partenaires/", include("relais.api.urls")),
    path("activateurs/", include("relais.francenum.urls")),
    path("conseiller-numerique/", include("relais.conseiller_numerique.urls")),
    path("", include("relais.conseillers_entreprises.urls")),
    path("", include("relais.core.urls")),
]

handler400 = "relais.core.views.bad_request"
handler403 = "relais.core.views.permission_denied"
handler404 = "relais.core.views.page_not_found"
handler500 = "relais.core.views.server_error"
