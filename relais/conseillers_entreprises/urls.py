"""URLs of Conseillers-Entreprises: each concern keeps its patterns in its own views module."""

app_name = "conseillers_entreprises"

urlpatterns = []
