from django.urls import path

from . import views

app_name = "territories"

urlpatterns = [
    path("communes/", views.communes_autocomplete, name="communes_autocomplete"),
]
