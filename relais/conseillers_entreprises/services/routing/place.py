"""Where an establishment is: its commune, EPCI, department and region (codes and names), as the teams' queries read
them (teams.py computes from them the codes of the zones that may cover it)."""

from dataclasses import dataclass

from ...enums import ZoneType

# The commune, its parent when it is a municipal arrondissement (Paris, Lyon, Marseille), the EPCI of either, the
# department and the region: all the zone codes that may cover an establishment.
_PLACE_SQL = """
SELECT commune.insee_code, commune.name, parent.insee_code, parent.name,
    COALESCE(epci.siren, parent_epci.siren), COALESCE(epci.name, parent_epci.name),
    department.insee_code, department.name, region.insee_code, region.name
FROM territories_commune commune
JOIN territories_department department ON department.id = commune.department_id
JOIN territories_region region ON region.id = commune.region_id
LEFT JOIN territories_commune parent ON parent.id = commune.parent_id
LEFT JOIN territories_epci epci ON epci.id = commune.epci_id
LEFT JOIN territories_epci parent_epci ON parent_epci.id = parent.epci_id
WHERE commune.{key} = %s
"""


@dataclass(frozen=True)
class Place:
    commune_code: str = ""
    commune_name: str = ""
    parent_code: str = ""
    parent_name: str = ""
    epci_siren: str = ""
    epci_name: str = ""
    department_code: str = ""
    department_name: str = ""
    region_code: str = ""
    region_name: str = ""

    @property
    def is_known(self) -> bool:
        return bool(self.commune_code)

    @property
    def commune_codes(self) -> frozenset[str]:
        """The establishment's commune, and its parent commune for an arrondissement."""
        return frozenset(code for code in (self.commune_code, self.parent_code) if code)

    def describe(self, zone_type: str) -> str:
        """The place at the level of a zone type, for "outside the territory" reasons."""
        if not self.is_known:
            return "la commune de l’établissement, inconnue"
        if zone_type == ZoneType.REGION:
            return self.region_name
        if zone_type == ZoneType.DEPARTMENT:
            return f"{self.department_name} ({self.department_code})"
        if zone_type == ZoneType.EPCI:
            return self.epci_name or f"{self.commune_name} ({self.commune_code}) (sans EPCI)"
        return f"{self.commune_name} ({self.commune_code})"

    def describe_commune(self) -> str:
        if self.parent_code:
            return f"{self.parent_name} ({self.parent_code})"
        return f"{self.commune_name} ({self.commune_code})"


def place_key(establishment) -> tuple[str, object]:
    """How the establishment's commune is found: by its link, else by its INSEE code (`_PLACE_SQL` with `key`, and
    the value); an establishment with neither looks for no commune."""
    if establishment.commune_id is not None:
        return "id", establishment.commune_id
    if establishment.commune_insee_code:
        return "insee_code", establishment.commune_insee_code
    return "id", None


def place_sql(key: str) -> str:
    return _PLACE_SQL.format(key=key)


def place_from(values) -> Place:
    """The place from the columns of `_PLACE_SQL` (all None when no commune was found: an unknown place)."""
    return Place(*(value or "" for value in values)) if values[0] is not None else Place()
