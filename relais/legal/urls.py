from django.urls import path

from . import views

app_name = "legal"

urlpatterns = [
    path("accepter/", views.accept, name="accept"),
    path("versions/", views.version_list, name="version_list"),
    path("versions/<uuid:public_id>/", views.version_detail, name="version_detail"),
]
