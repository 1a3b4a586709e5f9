"""Two namespaces under /activateurs/: "activateurs" (public directory, pre-registration, administration) and
"francenum" (the activator space, where the legal middleware asks for the charter in force first)."""

from django.urls import include, path

urlpatterns = [
    path("mon-espace/", include(("relais.francenum.urls_space", "francenum"))),
    path("", include(("relais.francenum.urls_public", "activateurs"))),
]
