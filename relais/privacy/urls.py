from django.urls import path

from .views import audit, dpo, me, notices, rights

app_name = "privacy"

urlpatterns = [
    path("", notices.index, name="index"),
    path("cookies/", notices.cookies, name="cookies"),
    path("mes-donnees/", me.my_data, name="my_data"),
    path("mes-donnees/copie/<str:fmt>/", me.my_data_export, name="my_data_export"),
    path("mes-donnees/opposition/<slug:slug>/", me.object_to_processing, name="object_to"),
    path("exercer-mes-droits/", rights.request_form, name="request_form"),
    path("exercer-mes-droits/envoyee/", rights.request_sent, name="request_sent"),
    path("copie/<str:token>/", rights.request_export, name="request_export"),
    path("demandes/", dpo.queue, name="dpo_queue"),
    path("demandes/<uuid:public_id>/", dpo.detail, name="dpo_request"),
    path("demandes/<uuid:public_id>/justificatif/", dpo.identity_proof, name="dpo_identity_proof"),
    path("demandes/<uuid:public_id>/verifier/", dpo.verify, name="dpo_verify"),
    path("demandes/<uuid:public_id>/copie/", dpo.prepare_export, name="dpo_export"),
    path("demandes/<uuid:public_id>/effacer/", dpo.erase, name="dpo_erase"),
    path("demandes/<uuid:public_id>/opposition/", dpo.apply_objection, name="dpo_objection"),
    path("demandes/<uuid:public_id>/note/", dpo.note, name="dpo_note"),
    path("demandes/<uuid:public_id>/repondre/", dpo.close, name="dpo_close"),
    path("journal/", audit.search, name="audit_log"),
    path("journal/export.csv", audit.export_csv, name="audit_log_csv"),
    path("registre/", notices.register, name="register"),
    path("registre/export.csv", notices.register_csv, name="register_csv"),
    # Last: the notices of the services, by their slug.
    path("<slug:service>/", notices.notice, name="notice"),
]
