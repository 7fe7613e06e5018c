"""SIREN numbers: nine digits, the last one a Luhn check digit (the rule of SIRET numbers too)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

SIREN_FORMAT = re.compile(r"[0-9]{9}")


def luhn_check_digit(payload: str) -> str:
    """The digit that makes `payload + digit` pass the Luhn check (SIREN, SIRET)."""
    total = 0
    for position, char in enumerate(reversed(payload)):
        digit = int(char)
        if position % 2 == 0:  # doubled: second from the right once the check digit is added
            digit = digit * 2 - 9 if digit >= 5 else digit * 2
        total += digit
    return str((10 - total % 10) % 10)


def luhn_is_valid(digits: str) -> bool:
    """The Luhn checksum: every second digit from the right doubled (minus 9 above 9), the sum a multiple of 10."""
    return digits.isdigit() and len(digits) > 1 and luhn_check_digit(digits[:-1]) == digits[-1]


def validate_siren(value: str) -> None:
    if not SIREN_FORMAT.fullmatch(value):
        raise ValidationError("Un numéro SIREN s’écrit avec 9 chiffres, sans espace.", code="siren_format")
    if not luhn_is_valid(value):
        raise ValidationError(
            "Ce numéro SIREN n’existe pas : son dernier chiffre (la clé de contrôle) ne correspond pas aux autres.",
            code="siren_check_digit",
        )
