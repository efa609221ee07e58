"""Encryption at rest for the most sensitive text (case narratives, injuries, victims' addresses).

Keys come from `settings.FIELD_ENCRYPTION_KEYS` (Fernet keys, newest first): MultiFernet encrypts
with the first and decrypts with any, so a key is rotated by putting a new one in front and
re-saving the rows. A stolen database file or backup holds only tokens.
"""

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models

PREFIX = "fernet:"


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(k.encode() if isinstance(k, str) else k) for k in keys])


def fernet() -> MultiFernet:
    # Cached per key tuple (settings are immutable at run time; tests may override them).
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(text: str) -> str:
    if text in ("", None):
        return ""
    return PREFIX + fernet().encrypt(str(text).encode()).decode()


def decrypt(token: str) -> str:
    if not token:
        return ""
    if not token.startswith(PREFIX):
        raise ValueError("not an encrypted value")
    try:
        return fernet().decrypt(token[len(PREFIX):].encode()).decode()
    except InvalidToken:
        raise ValueError("cannot decrypt: the key is missing or wrong") from None


class EncryptedTextField(models.TextField):
    """A TextField stored as a Fernet token. Not searchable or sortable in SQL, by design."""

    def from_db_value(self, value, expression, connection):
        if value is None:
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None:
            return None
        return encrypt(value)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        return name, "banbiantian.core.crypto.EncryptedTextField", args, kwargs
