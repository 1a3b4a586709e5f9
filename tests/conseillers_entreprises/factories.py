import factory

from relais.conseillers_entreprises import models
from relais.conseillers_entreprises.enums import SolicitationStatus, TerritorialLevel, ZoneType
from relais.conseillers_entreprises.services.needs import need_search_text
from tests.accounts.factories import UserFactory


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Theme
        django_get_or_create = ["slug"]

    label = factory.Sequence(lambda n: f"Thème {n}")
    slug = factory.Sequence(lambda n: f"theme-{n}")


class SubjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Subject
        django_get_or_create = ["slug"]

    theme = factory.SubFactory(ThemeFactory)
    label = factory.Sequence(lambda n: f"Sujet {n}")
    slug = factory.Sequence(lambda n: f"sujet-{n}")


class SubjectQuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.SubjectQuestion

    subject = factory.SubFactory(SubjectFactory)
    key = factory.Sequence(lambda n: f"question-{n}")
    label = factory.Sequence(lambda n: f"Question {n} ?")


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Institution

    name = factory.Sequence(lambda n: f"Institution {n}")
    slug = factory.Sequence(lambda n: f"institution-{n}")


class AntenneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Antenne

    institution = factory.SubFactory(InstitutionFactory)
    name = factory.Sequence(lambda n: f"Antenne {n}")
    territorial_level = TerritorialLevel.LOCAL


class ExpertFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Expert
        skip_postgeneration_save = True

    antenne = factory.SubFactory(AntenneFactory)
    name = factory.Sequence(lambda n: f"Équipe {n}")
    email = factory.Sequence(lambda n: f"equipe{n}@institution.gouv.fr")

    @factory.post_generation
    def users(self, create, extracted, **kwargs):
        if create:
            self.users.set(extracted if extracted is not None else [UserFactory()])


class TerritorialZoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.TerritorialZone

    zone_type = ZoneType.DEPARTMENT
    code = "69"


class InstitutionSubjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.InstitutionSubject
        django_get_or_create = ["institution", "subject"]

    institution = factory.SubFactory(InstitutionFactory)
    subject = factory.SubFactory(SubjectFactory)


class ExpertSubjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ExpertSubject

    expert = factory.SubFactory(ExpertFactory)
    institution_subject = factory.SubFactory(
        InstitutionSubjectFactory, institution=factory.SelfAttribute("..expert.antenne.institution")
    )


class SolicitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Solicitation

    status = SolicitationStatus.IN_PROGRESS
    subject = factory.SubFactory(SubjectFactory)
    description = "Nous souhaitons recruter deux techniciens de maintenance en CDI d’ici le printemps."
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    phone = "0612345678"
    email = factory.Sequence(lambda n: f"dirigeant{n}@entreprise.fr")
    submitted_at = factory.Faker("date_time_this_month", tzinfo=factory.Faker("pytimezone"))


class DiagnosisFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Diagnosis

    solicitation = factory.SubFactory(SolicitationFactory)


class NeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Need

    diagnosis = factory.SubFactory(DiagnosisFactory)
    subject = factory.SubFactory(SubjectFactory)


class MatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Match

    need = factory.SubFactory(NeedFactory)
    expert = factory.SubFactory(ExpertFactory)
    subject = factory.SelfAttribute("need.subject")
    # As services/needs.py writes it when a need is sent.
    search_text = factory.LazyAttribute(lambda match: need_search_text(match.need))
