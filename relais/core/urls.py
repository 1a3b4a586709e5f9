from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("accessibilite/", views.accessibility, name="accessibility"),
    path("mentions-legales/", views.legal_notice, name="legal_notice"),
    path("cgu/", views.terms, name="terms"),
    path("plan-du-site/", views.sitemap, name="sitemap"),
    path("sante/", views.health_check, name="health"),
    path("sante/instance/", views.instance_health, name="instance_health"),
    path("sante/vivant/", views.liveness, name="liveness"),
    path("metriques/", views.metrics_view, name="metrics"),
    path("sante/ping/", views.ping, name="ping"),
]
