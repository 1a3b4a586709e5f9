"""The RS256 key that signs the ID tokens. Imported by the settings, so it depends on nothing of Django's."""

from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa


def generate_private_key_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=serialization.NoEncryption(),
    ).decode()


def development_private_key(path: Path) -> str:
    """Generated once per checkout into var/, like the secret key: ID tokens survive a restart, no key is
    committed."""
    if not path.exists():
        path.parent.mkdir(exist_ok=True)
        path.write_text(generate_private_key_pem())
        path.chmod(0o600)
    return path.read_text()


def from_environment(value: str) -> str:
    # A PEM spans several lines; hosting consoles often only accept one, with literal "\n".
    return value.replace("\\n", "\n").strip() + "\n"
