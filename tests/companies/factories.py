import factory
from stdnum import luhn

from relais.companies.enums import CompanySource
from relais.companies.models import Company, Establishment
from relais.territories.models import Commune, Department, Region


def valid_siren(n: int) -> str:
    base = f"{40000000 + n:08d}"
    return base + luhn.calc_check_digit(base)


def valid_siret(siren: str, n: int = 1) -> str:
    base = f"{siren}{n:04d}"
    return base + luhn.calc_check_digit(base)


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ["insee_code"]

    insee_code = "84"
    name = "Auvergne-Rhône-Alpes"


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ["insee_code"]

    insee_code = "69"
    name = "Rhône"
    region = factory.SubFactory(RegionFactory)


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commune
        django_get_or_create = ["insee_code"]

    insee_code = "69123"
    name = "Lyon"
    search_name = factory.LazyAttribute(lambda commune: commune.name.lower())
    department = factory.SubFactory(DepartmentFactory)
    region = factory.SelfAttribute("department.region")


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company

    siren = factory.Sequence(valid_siren)
    name = factory.Sequence(lambda n: f"ENTREPRISE D'ESSAI {n}")
    legal_form_code = "5710"
    naf_code = "62.01Z"
    staff_size_code = "11"
    source = CompanySource.DEMO


class EstablishmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Establishment

    company = factory.SubFactory(CompanyFactory)
    siret = factory.LazyAttributeSequence(lambda establishment, n: valid_siret(establishment.company.siren, n + 1))
    address = "1 RUE DE LA REPUBLIQUE"
    postal_code = "69001"
    commune_insee_code = "69123"
    commune_name = "Lyon"
    naf_code = "62.01Z"
    staff_size_code = "11"
    is_head_office = True
