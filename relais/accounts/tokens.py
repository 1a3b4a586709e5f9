from django.contrib.auth.tokens import PasswordResetTokenGenerator


class RevocablePasswordResetTokenGenerator(PasswordResetTokenGenerator):
    """Django's reset links, which also die with a revocation of the account's access (deactivation, suspension)."""

    def _make_hash_value(self, user, timestamp):
        return super()._make_hash_value(user, timestamp) + user.credentials_fingerprint()


password_reset_token_generator = RevocablePasswordResetTokenGenerator()
