from django.urls import path

from .views import incidents

app_name = "incidents"

urlpatterns = [
    path("", incidents.queue, name="queue"),
    path("signaler/", incidents.report, name="report"),
    path("signale/", incidents.reported, name="reported"),
    path("<uuid:public_id>/", incidents.detail, name="detail"),
]
