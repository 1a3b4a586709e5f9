from django.urls import path

from .views import directory, newsletter, public, triage

app_name = "conseillers_entreprises"

LANDING = "aide-entreprise/<slug:landing_slug>/"

urlpatterns = [
    # Public filing, without an account
    path(LANDING, public.landing_home, name="landing"),
    path(f"{LANDING}theme/<slug:theme_slug>/", public.theme_subjects, name="theme"),
    path(f"{LANDING}demande/<slug:subject_slug>/", public.file_request, name="file_request"),
    path(f"{LANDING}autre-besoin/", public.file_other_need, name="file_other_need"),
    path("demande/<uuid:public_id>/reprendre/", public.filing_resume, name="filing_resume"),
    path("demande/<uuid:public_id>/confirmation/", public.filing_confirmation, name="filing_confirmation"),
    # Newsletter
    path("lettre-information/", newsletter.subscribe, name="newsletter_subscribe"),
    path("lettre-information/confirmation/<uuid:public_id>/", newsletter.confirm, name="newsletter_confirm"),
    path("lettre-information/desinscription/<uuid:public_id>/", newsletter.unsubscribe, name="newsletter_unsubscribe"),
    # Support team
    path("support/sollicitations/", triage.queue, name="triage_queue"),
    path("support/sollicitations/<uuid:public_id>/", triage.solicitation_detail, name="triage_solicitation"),
    path("support/sollicitations/<uuid:public_id>/abandonner/", triage.cancel, name="triage_cancel"),
    path("support/couverture/", directory.coverage, name="coverage"),
    path(
        "support/couverture/<slug:subject_slug>/<str:department_code>/",
        directory.coverage_department,
        name="coverage_department",
    ),
]
