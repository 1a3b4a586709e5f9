from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import get_application_model

from relais.organizations.models import DigitalService
from relais.sso.models import ClientProfile


class Command(BaseCommand):
    help = (
        "Crée un client OpenID Connect (code d'autorisation + PKCE, jeton d'identité signé en RS256) pour un "
        "service du catalogue et affiche son identifiant et son secret (le secret n'est stocké que haché)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="Nom du service, affiché sur la page de consentement.")
        parser.add_argument("--redirect-uri", action="append", required=True, dest="redirect_uris", help="Répétable.")
        parser.add_argument(
            "--post-logout-redirect-uri",
            action="append",
            default=[],
            dest="post_logout_redirect_uris",
            help="Adresse de retour après une déconnexion demandée par le service. Répétable.",
        )
        parser.add_argument(
            "--backchannel-logout-uri", default="", help="Adresse où envoyer les jetons de déconnexion (back-channel)."
        )
        parser.add_argument(
            "--service",
            default="",
            help="Identifiant (slug) du service du catalogue : ses conditions d'utilisation sont exigées à l'entrée.",
        )
        parser.add_argument(
            "--skip-authorization",
            action="store_true",
            help="Ne pas demander le consentement (service de l'administration, de confiance).",
        )

    def handle(self, *args, name, redirect_uris, skip_authorization=False, **options):
        application_model = get_application_model()
        if application_model.objects.filter(name=name).exists():
            raise CommandError(f"Un client nommé « {name} » existe déjà.")
        digital_service = None
        if options["service"]:
            digital_service = DigitalService.objects.filter(slug=options["service"]).first()
            if digital_service is None:
                raise CommandError(f"Aucun service du catalogue n'a l'identifiant « {options['service']} ».")
        secret = generate_client_secret()
        application = application_model(
            name=name,
            redirect_uris=" ".join(redirect_uris),
            post_logout_redirect_uris=" ".join(options["post_logout_redirect_uris"]),
            client_type=application_model.CLIENT_CONFIDENTIAL,
            authorization_grant_type=application_model.GRANT_AUTHORIZATION_CODE,
            algorithm=application_model.RS256_ALGORITHM,
            client_secret=secret,
            skip_authorization=skip_authorization,
        )
        application.full_clean(exclude=["user"])
        profile = ClientProfile(
            digital_service=digital_service, backchannel_logout_uri=options["backchannel_logout_uri"]
        )
        with transaction.atomic():
            application.save()
            profile.application = application
            profile.full_clean()
            profile.save()
        self.stdout.write(f"client_id={application.client_id}")
        self.stdout.write(f"client_secret={secret}")
