"""The personal QR card: a signed reference to a person, no name or number, for residents without a phone of
their own. Check-in pages and the forms that find a person at the point of care both read it here."""

from django.conf import settings
from django.core import signing

CARD_PREFIX = "PD1:"


def person_card_text(person) -> str:
    """What a personal QR card carries."""
    return CARD_PREFIX + signing.Signer(salt=settings.PHONGDICH_CARD_SALT).sign(str(person.pk))


def is_card_text(text: str) -> bool:
    return text.strip().startswith(CARD_PREFIX)


def card_holder_id(text: str) -> int:
    """The id of the person a card names; raises signing.BadSignature for a card the platform did not issue."""
    try:
        return int(signing.Signer(salt=settings.PHONGDICH_CARD_SALT).unsign(text.strip().removeprefix(CARD_PREFIX)))
    except ValueError as error:
        raise signing.BadSignature(str(error)) from error
