from django.urls import path
from formpage.views import contact

urlpatterns = [path("", contact, name="contact")]
