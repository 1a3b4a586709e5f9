from django.core.management.base import BaseCommand, CommandError
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import get_application_model


class Command(BaseCommand):
    help = (
        "Crée un client OpenID Connect (code d'autorisation + PKCE, jeton d'identité signé en RS256) pour un "
        "service du catalogue et affiche son identifiant et son secret (le secret n'est stocké que haché)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="Nom du service, affiché sur la page de consentement.")
        parser.add_argument("--redirect-uri", action="append", required=True, dest="redirect_uris", help="Répétable.")
        parser.add_argument(
            "--skip-authorization",
            action="store_true",
            help="Ne pas demander le consentement (service de l'administration, de confiance).",
        )

    def handle(self, *args, name, redirect_uris, skip_authorization=False, **options):
        application_model = get_application_model()
        if application_model.objects.filter(name=name).exists():
            raise CommandError(f"Un client nommé « {name} » existe déjà.")
        secret = generate_client_secret()
        application = application_model(
            name=name,
            redirect_uris=" ".join(redirect_uris),
            client_type=application_model.CLIENT_CONFIDENTIAL,
            authorization_grant_type=application_model.GRANT_AUTHORIZATION_CODE,
            algorithm=application_model.RS256_ALGORITHM,
            client_secret=secret,
            skip_authorization=skip_authorization,
        )
        application.full_clean(exclude=["user"])
        application.save()
        self.stdout.write(f"client_id={application.client_id}")
        self.stdout.write(f"client_secret={secret}")
