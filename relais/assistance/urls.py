from django.urls import path

from . import views

app_name = "assistance"

urlpatterns = [
    path("", views.help_page, name="help"),
    path("contact/", views.contact, name="contact"),
    path("contact/envoye/", views.contact_sent, name="contact_sent"),
]
