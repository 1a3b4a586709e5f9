from django.urls import path

from .views import agent, candidate, map, public, structure

app_name = "conseiller_numerique"

urlpatterns = [
    path("", public.home, name="home"),
    path("candidature/", public.candidate_apply, name="candidate_apply"),
    path("candidature/envoyee/", public.candidate_sent, name="candidate_sent"),
    path("candidature/confirmer/<str:token>/", public.candidate_confirm, name="candidate_confirm"),
    path("structure/candidature/", public.structure_apply, name="structure_apply"),
    path("structure/candidature/envoyee/", public.structure_sent, name="structure_sent"),
    path("structure/confirmer/<str:token>/", public.structure_confirm, name="structure_confirm"),
    # The candidate's (and advisor's) space.
    path("mon-espace/", candidate.candidate_space, name="candidate_space"),
    path("mon-espace/disponibilite/", candidate.candidate_availability, name="candidate_availability"),
    path("mon-espace/pix/", candidate.candidate_pix, name="candidate_pix"),
    path("mon-espace/retrait/", candidate.candidate_withdraw, name="candidate_withdraw"),
    path("mon-espace/cv/", candidate.candidate_cv, name="candidate_cv"),
    path("mon-espace/conseiller/", candidate.advisor_space, name="advisor_space"),
    path("mon-espace/conseiller/opposition/", candidate.advisor_opposition, name="advisor_opposition"),
    path("mon-espace/conseiller/lieux/ajouter/", candidate.place_edit, name="place_create"),
    path("mon-espace/conseiller/lieux/<uuid:place_id>/", candidate.place_edit, name="place_edit"),
    path("mon-espace/conseiller/lieux/<uuid:place_id>/supprimer/", candidate.place_delete, name="place_delete"),
    # The structures' space.
    path("structures/", structure.my_structures, name="my_structures"),
    path("structures/<uuid:structure_id>/", structure.structure_matches, name="structure_matches"),
    path("structures/<uuid:structure_id>/mission/", structure.structure_mission, name="structure_mission"),
    path("structures/<uuid:structure_id>/conseillers/", structure.structure_advisors, name="structure_advisors"),
    path(
        "structures/<uuid:structure_id>/conseillers/<uuid:candidate_id>/lieux/ajouter/",
        structure.structure_place_create,
        name="structure_place_create",
    ),
    path(
        "structures/<uuid:structure_id>/candidats/<uuid:candidate_id>/",
        structure.structure_candidate,
        name="structure_candidate",
    ),
    path(
        "structures/<uuid:structure_id>/candidats/<uuid:candidate_id>/cv/",
        structure.structure_candidate_cv,
        name="structure_candidate_cv",
    ),
    path(
        "structures/<uuid:structure_id>/candidats/<uuid:candidate_id>/statut/",
        structure.structure_candidate_status,
        name="structure_candidate_status",
    ),
    path(
        "structures/<uuid:structure_id>/candidats/<uuid:candidate_id>/contrat/",
        structure.structure_candidate_contract,
        name="structure_candidate_contract",
    ),
    path(
        "structures/<uuid:structure_id>/candidats/<uuid:candidate_id>/recruter/",
        structure.structure_candidate_recruit,
        name="structure_candidate_recruit",
    ),
    path(
        "structures/<uuid:structure_id>/recrutements/<uuid:match_id>/rupture/",
        structure.structure_rupture,
        name="structure_rupture",
    ),
    # Prefectures and the national team.
    path("pilotage/", agent.agent_structures, name="agent_structures"),
    path("pilotage/structures/<uuid:structure_id>/", agent.agent_structure, name="agent_structure"),
    path("pilotage/structures/<uuid:structure_id>/avis/", agent.agent_opinion, name="agent_opinion"),
    path("pilotage/structures/<uuid:structure_id>/decision/", agent.agent_decision, name="agent_decision"),
    path("pilotage/tableau-de-bord/", agent.agent_dashboard, name="agent_dashboard"),
    path(
        "pilotage/tableau-de-bord/export.<str:extension>",
        agent.agent_dashboard_export,
        name="agent_dashboard_export",
    ),
    # The public map and its open data.
    path("carte/", map.public_map, name="map"),
    path("carte.geojson", map.map_geojson, name="map_geojson"),
    path("carte.csv", map.map_csv, name="map_csv"),
]
