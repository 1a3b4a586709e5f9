from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.profile, name="profile"),
    path("connexion/", views.LoginView.as_view(), name="login"),
    path("connexion/code/", views.login_code, name="login_code"),
    path("deconnexion/", views.logout, name="logout"),
    path("inscription/", views.signup_start, name="signup"),
    path("inscription/code/", views.signup_verify, name="signup_verify"),
    path("inscription/lien/<uuid:public_id>/<str:token>/", views.signup_verify_link, name="signup_verify_link"),
    path("inscription/mot-de-passe/", views.signup_password, name="signup_password"),
    path("inscription/identite/", views.signup_identity, name="signup_identity"),
    path("inscription/entreprise/", views.signup_company, name="signup_company"),
    path("adresse/", views.email_change, name="email_change"),
    path("adresse/code/", views.email_verify, name="email_verify"),
    path("adresse/lien/<uuid:public_id>/<str:token>/", views.email_verify_link, name="email_verify_link"),
    path("supprimer/", views.delete_account, name="delete"),
    path("double-authentification/", views.two_factor_setup, name="two_factor_setup"),
    path("double-authentification/codes/", views.two_factor_backup_codes, name="two_factor_backup_codes"),
    path("double-authentification/desactiver/", views.two_factor_disable, name="two_factor_disable"),
    path(
        "mot-de-passe/oubli/",
        views.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "mot-de-passe/oubli/envoye/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/nouveau/termine/",
        auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html"),
        name="password_reset_complete",
    ),
    path("mot-de-passe/changer/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "mot-de-passe/changer/termine/",
        auth_views.PasswordChangeDoneView.as_view(template_name="accounts/password_change_done.html"),
        name="password_change_done",
    ),
    path("mot-de-passe/compromis/", views.report_compromised, name="report_compromised"),
    path("mot-de-passe/compromis/signale/", views.report_compromised_done, name="report_compromised_done"),
    path("mot-de-passe/compromis/<str:signed>/", views.report_compromised_link, name="report_compromised_link"),
]
