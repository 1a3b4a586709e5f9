"""The "Services connectés" page of Mon compte, mounted at /compte/services-connectes/."""

from django.urls import path

from . import views

app_name = "sso"

urlpatterns = [
    path("", views.connected_services, name="connected_services"),
    path("<str:client_id>/retirer/", views.withdraw_consent, name="withdraw_consent"),
]
