"""What other apps learn from accounts without accounts knowing them (the connected services of `sso`, say)."""

from django.dispatch import Signal

# Sent inside the transaction that changes the account, with `user` and `reason` (enums.RevocationReason): every
# access granted to the person outside a session (the tokens of the connected services) must end at once. Sessions
# and our own secure links end by themselves: they carry User.credentials_fingerprint().
access_revoked = Signal()
