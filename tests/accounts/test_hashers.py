"""The password hash: Argon2id with OWASP's parameters, and the hashes made with Django's defaults still work."""

from django.contrib.auth.hashers import Argon2PasswordHasher

from relais.accounts.hashers import RelaisArgon2PasswordHasher

PASSWORD = "Relais-demo-2026!"


def test_the_hash_uses_owasps_parameters():
    hasher = RelaisArgon2PasswordHasher()
    encoded = hasher.encode(PASSWORD, hasher.salt())
    assert encoded.startswith("argon2$argon2id$v=19$m=47104,t=1,p=1$")
    assert RelaisArgon2PasswordHasher().verify(PASSWORD, encoded)
    assert not RelaisArgon2PasswordHasher().verify("Autre-mot-2026!", encoded)
    assert not RelaisArgon2PasswordHasher().must_update(encoded)


def test_a_hash_made_with_djangos_defaults_is_read_then_upgraded():
    old = Argon2PasswordHasher().encode(PASSWORD, Argon2PasswordHasher().salt())
    assert "m=102400,t=2,p=8" in old
    assert RelaisArgon2PasswordHasher().verify(PASSWORD, old)
    assert RelaisArgon2PasswordHasher().must_update(old)
