from django.urls import path, re_path

from .views import directory, newsletter, public, stats, triage, workspace

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
    # Statistics: public figures, then the team dashboard and its exports
    path("stats/", stats.public_stats, name="stats"),
    path("support/tableau-de-bord/", stats.dashboard, name="stats_dashboard"),
    re_path(
        r"^support/exports/(?P<name>besoins|mises-en-relation)\.(?P<extension>csv|xlsx)$",
        stats.export,
        name="stats_export",
    ),
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
    # Need page shared by the experts notified, their antenne managers and support
    path("besoins/<uuid:public_id>/", workspace.need_detail, name="need"),
    path("besoins/<uuid:public_id>/lien/<str:token>/", workspace.need_link, name="need_link"),
    path("besoins/<uuid:public_id>/commentaires/", workspace.comment, name="need_comment"),
    path("mises-en-relation/<uuid:public_id>/position/", workspace.position, name="match_position"),
]
