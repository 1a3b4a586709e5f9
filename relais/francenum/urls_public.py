from django.urls import path

from .views import administration, public, registration, review

urlpatterns = [
    path("", public.directory_view, name="directory"),
    path("open-data.<str:fmt>", public.open_data, name="open_data"),
    path("fiche/<slug:slug>/", public.profile, name="profile"),
    path("fiche/<slug:slug>/contact/", public.contact, name="contact"),
    path("fiche/<slug:slug>/logo/", public.logo, name="logo"),
    path("fiche/<slug:slug>/adherents/<uuid:member_id>/photo/", public.member_photo, name="member_photo"),
    path("accuse-reception/<str:token>/", public.acknowledge, name="acknowledge"),
    path("questionnaire/<str:token>/", public.survey_answer, name="survey"),
    path("invitation/<uuid:public_id>/", public.invitation, name="invitation"),
    # Devenir activateur: the four steps.
    path("devenir-activateur/", registration.start, name="start"),
    path("devenir-activateur/compte/", registration.signup_email, name="signup_email"),
    path("devenir-activateur/code/", registration.signup_code, name="signup_code"),
    path("devenir-activateur/lien/<uuid:public_id>/<str:token>/", registration.signup_link, name="signup_link"),
    path("devenir-activateur/mot-de-passe/", registration.signup_password, name="signup_password"),
    path("devenir-activateur/identite/", registration.signup_identity, name="signup_identity"),
    path("devenir-activateur/structure/", registration.structure, name="structure"),
    path("devenir-activateur/charte/", registration.charter, name="charter"),
    path("devenir-activateur/envoyee/", registration.sent, name="sent"),
    # The administration.
    path("administration/", review.queue, name="review_queue"),
    path("administration/statistiques/", administration.statistics, name="admin_statistics"),
    path("administration/statistiques.csv", administration.statistics_csv, name="admin_statistics_csv"),
    path("administration/manquements/", administration.breaches, name="breaches"),
    path("administration/questionnaires/", administration.surveys, name="surveys"),
    path("administration/questionnaires/<uuid:public_id>/", administration.survey_results, name="survey_results"),
    path("administration/questionnaires/<uuid:public_id>.csv", administration.survey_csv, name="survey_csv"),
    path("administration/<uuid:public_id>/", review.detail, name="review_detail"),
    path("administration/<uuid:public_id>/message/", review.post_message, name="review_message"),
    path("administration/<uuid:public_id>/decision/", review.decide, name="review_decide"),
    path("administration/<uuid:public_id>/sanction/", review.sanction, name="review_sanction"),
    path(
        "administration/<uuid:public_id>/adherents/<uuid:member_id>/",
        review.member_sanction,
        name="review_member_sanction",
    ),
    path("administration/<uuid:public_id>/verifier-site/", review.recheck_website, name="review_recheck"),
    path("structures/<uuid:public_id>/pieces/<str:name>/", review.proof, name="proof"),
    path("messages/<uuid:public_id>/piece-jointe/", review.attachment, name="attachment"),
]
