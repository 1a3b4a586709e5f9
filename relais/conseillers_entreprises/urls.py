from django.urls import path, re_path

from .views import (
    advisors,
    analysis,
    directory,
    followup,
    inbox,
    managers,
    newsletter,
    public,
    satisfaction,
    stats,
    triage,
    workspace,
)

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
    path("demande/suivi/<str:token>/", public.company_followup, name="company_followup"),
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
    path("support/exports/<uuid:public_id>/", stats.export_job, name="export_job"),
    path("support/exports/<uuid:public_id>/etat/", stats.export_job_status, name="export_job_status"),
    path("support/exports/<uuid:public_id>/telecharger/", stats.export_job_download, name="export_job_download"),
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
    # Inbox of an agent's teams, then the pages of an antenne manager
    path("besoins/", inbox.inbox, name="inbox"),
    path("antennes/", managers.antennes, name="managed_antennes"),
    path("antennes/<uuid:public_id>/", managers.antenne_detail, name="antenne"),
    path("antennes/<uuid:public_id>/agents/", managers.antenne_agents, name="antenne_agents"),
    path(
        "antennes/<uuid:public_id>/absences/<uuid:absence_id>/supprimer/",
        managers.absence_delete,
        name="antenne_absence_delete",
    ),
    # Follow-up: support's reminder baskets, the satisfaction survey (public, signed link) and its answers
    path("support/relances/", followup.baskets, name="followup_baskets"),
    path("support/relances/<uuid:public_id>/relancer/", followup.remind, name="followup_remind"),
    path("support/relances/<uuid:public_id>/traiter/", followup.done, name="followup_done"),
    path("support/relances/<uuid:public_id>/ecrire/", followup.write_company, name="followup_write_company"),
    path("support/satisfaction/", satisfaction.answers, name="satisfaction_answers"),
    path("support/satisfaction/<uuid:public_id>/partager/", satisfaction.share, name="satisfaction_share"),
    path("satisfaction/<str:token>/", satisfaction.survey, name="satisfaction_survey"),
    # Advisor accounts: invitations, their acceptance, requests for an account
    path("support/invitations/", advisors.invitations, name="advisor_invitations"),
    path("support/invitations/nouvelle/", advisors.invite, name="advisor_invite"),
    path("support/invitations/<uuid:public_id>/renvoyer/", advisors.resend, name="advisor_invitation_resend"),
    path("conseillers/invitation/<uuid:public_id>/<str:token>/", advisors.accept, name="advisor_invitation_accept"),
    path("conseillers/demande-de-compte/", advisors.account_request, name="advisor_account_request"),
    path("conseillers/demande-de-compte/envoyee/", advisors.account_request_sent, name="advisor_account_request_sent"),
    path("support/demandes-de-compte/", advisors.account_requests, name="advisor_account_requests"),
    path(
        "support/demandes-de-compte/<uuid:public_id>/",
        advisors.account_request_detail,
        name="advisor_account_request_detail",
    ),
    # Analyses by advisors
    path("analyses/nouvelle/", analysis.new_analysis, name="analysis_new"),
]
