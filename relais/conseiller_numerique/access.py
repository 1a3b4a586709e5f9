"""Who may reach the pages of Conseiller numérique (see relais.core.access; enforced in permissions.py)."""

from relais.core.access import EVERYONE, SIGNED_IN, Access, Role, only

CANDIDATES = only(Role.CN_CANDIDATE, Role.CN_OTHER_CANDIDATE)
ADVISOR = only(Role.CN_CANDIDATE)
STRUCTURE = only(Role.CN_STRUCTURE)
AGENTS = only(Role.CN_PREFECTURE, Role.CN_OTHER_PREFECTURE, Role.CN_NATIONAL)

ACCESS = {
    "conseiller_numerique:home": Access(EVERYONE),
    "conseiller_numerique:candidate_apply": Access(EVERYONE),
    "conseiller_numerique:candidate_sent": Access(EVERYONE),
    # The email link confirms and offers to create the account of an address that has none; it grants nothing else.
    "conseiller_numerique:candidate_confirm": Access(EVERYONE, target="cn.candidate_token"),
    "conseiller_numerique:structure_apply": Access(EVERYONE),
    "conseiller_numerique:structure_sent": Access(EVERYONE),
    "conseiller_numerique:structure_confirm": Access(EVERYONE, target="cn.structure_token"),
    "conseiller_numerique:candidate_space": Access(CANDIDATES),
    "conseiller_numerique:candidate_availability": Access(CANDIDATES, method="POST"),
    "conseiller_numerique:candidate_pix": Access(CANDIDATES, method="POST"),
    "conseiller_numerique:candidate_withdraw": Access(CANDIDATES),
    "conseiller_numerique:candidate_cv": Access(CANDIDATES),
    "conseiller_numerique:advisor_space": Access(ADVISOR),
    "conseiller_numerique:advisor_opposition": Access(ADVISOR, method="POST"),
    "conseiller_numerique:place_create": Access(ADVISOR),
    "conseiller_numerique:place_edit": Access(ADVISOR, target="cn.place"),
    "conseiller_numerique:place_delete": Access(ADVISOR, target="cn.place", method="POST"),
    "conseiller_numerique:my_structures": Access(SIGNED_IN),
    "conseiller_numerique:structure_matches": Access(STRUCTURE, target="cn.structure"),
    "conseiller_numerique:structure_mission": Access(STRUCTURE, target="cn.structure"),
    "conseiller_numerique:structure_advisors": Access(STRUCTURE, target="cn.structure"),
    "conseiller_numerique:structure_place_create": Access(STRUCTURE, target="cn.structure_advisor"),
    "conseiller_numerique:structure_candidate": Access(STRUCTURE, target="cn.listed_candidate"),
    "conseiller_numerique:structure_candidate_cv": Access(STRUCTURE, target="cn.listed_candidate"),
    "conseiller_numerique:structure_candidate_status": Access(STRUCTURE, target="cn.listed_candidate", method="POST"),
    "conseiller_numerique:structure_candidate_contract": Access(STRUCTURE, target="cn.listed_candidate"),
    "conseiller_numerique:structure_candidate_recruit": Access(STRUCTURE, target="cn.listed_candidate", method="POST"),
    "conseiller_numerique:structure_rupture": Access(STRUCTURE, target="cn.recruitment"),
    "conseiller_numerique:agent_structures": Access(AGENTS),
    "conseiller_numerique:agent_structure": Access(
        only(Role.CN_PREFECTURE, Role.CN_NATIONAL), target="cn.agent_structure"
    ),
    "conseiller_numerique:agent_opinion": Access(only(Role.CN_PREFECTURE), target="cn.agent_structure", method="POST"),
    "conseiller_numerique:agent_decision": Access(only(Role.CN_NATIONAL), target="cn.agent_structure", method="POST"),
    "conseiller_numerique:agent_dashboard": Access(AGENTS),
    "conseiller_numerique:agent_dashboard_export": Access(AGENTS, target="cn.export"),
    "conseiller_numerique:map": Access(EVERYONE),
    "conseiller_numerique:map_geojson": Access(EVERYONE),
    "conseiller_numerique:map_csv": Access(EVERYONE),
}
