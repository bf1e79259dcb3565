"""The direct line: who may ring a personal manager, compared as identities, not as text.

A caller is a phone number or an e-mail address. Phone numbers are
normalised to E.164 with the ``phonenumbers`` library (Google's libphonenumber
metadata), reading national forms (``030 1234567``) in a default region, so
``+49 30 1234567``, ``+49301234567``, ``0049 30 1234567``, ``(030) 123-4567``
and ``tel:+49-30-1234567`` are one number. E-mail domains are compared
case-insensitively (DNS names are); the local part as the contract says:
case-insensitively by default (what mail providers do), or exactly (what
RFC 5321 allows a server to insist on).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Literal, TypeAlias

import attrs
import phonenumbers

from sla._errors import Problem, TierError

__all__ = ["DirectLine", "LocalPart", "normalise_caller"]

#: How the local part of an e-mail address (before the ``@``) is compared.
LocalPart: TypeAlias = Literal["case_insensitive", "case_sensitive"]

_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_LOCAL = re.compile(r"^[^\s@\"(),:;<>\[\]\\]{1,64}$")


def _email(text: str, local_part: LocalPart, field: str) -> str:
    local, _, domain = text.rpartition("@")
    domain = domain.lower()
    if not _LOCAL.match(local) or not _DOMAIN.match(domain):
        raise TierError(f"{text!r} is not an e-mail address (name@domain.example)", field=field)
    return f"{local.lower() if local_part == 'case_insensitive' else local}@{domain}"


def _phone(text: str, region: str | None, field: str) -> str:
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        hint = "" if region else " (write it with +country code, or give the contract a region)"
        raise TierError(f"{text!r} is not a phone number{hint}", field=field) from None
    if not phonenumbers.is_valid_number(number):
        raise TierError(
            f"{text!r} is not a valid phone number"
            + (f" in region {region}" if region and not text.lstrip().startswith("+") else ""),
            field=field,
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_caller(
    text: str,
    *,
    region: str | None = None,
    local_part: LocalPart = "case_insensitive",
    field: str = "caller",
) -> str:
    """The canonical form of a caller: E.164 for a phone number, a normalised e-mail address.

    ``region`` (ISO 3166 alpha-2, e.g. ``"DE"``) reads numbers written without
    a country code.

    >>> normalise_caller("(030) 123-4567", region="DE")
    '+49301234567'
    >>> normalise_caller("CEO@ACME.example")
    'ceo@acme.example'

    :raises TierError: naming ``field`` for text that is neither a valid phone
        number nor an e-mail address.
    """
    if not isinstance(text, str) or not text.strip():
        raise TierError(f"expected a phone number or an e-mail address, got {text!r}", field=field)
    value = text.strip()
    if value.lower().startswith("mailto:"):
        value = value[7:]
    if "@" in value:
        return _email(value, local_part, field)
    return _phone(value, region, field)


def check_region(region: str | None, field: str = "region") -> str | None:
    """``region`` upper-cased if ``phonenumbers`` knows it, else :class:`TierError`."""
    if region is None:
        return None
    code = region.strip().upper()
    if code not in phonenumbers.SUPPORTED_REGIONS:
        raise TierError(
            f"{region!r} is not a region phonenumbers knows (an ISO 3166 code like 'DE')",
            field=field,
        )
    return code


@attrs.frozen
class DirectLine:
    """A normalised allow-list: ``allows(caller)`` is a set lookup after normalising.

    Build one with :meth:`of`, which collects a :class:`~sla.Problem` per invalid
    entry (path ``<field>[i]``) instead of stopping at the first.

    >>> line = DirectLine.of(["+49 30 1234567", "ceo@acme.example"], region="DE")
    >>> line.allows("030 123 4567"), line.allows("CEO@Acme.Example"), line.allows("+4930999")
    (True, True, False)
    """

    entries: frozenset[str]
    region: str | None = None
    local_part: LocalPart = "case_insensitive"

    @classmethod
    def of(
        cls,
        entries: Iterable[str],
        *,
        region: str | None = None,
        local_part: LocalPart = "case_insensitive",
        field: str = "direct_line",
        problems: list[Problem] | None = None,
    ) -> DirectLine:
        """Normalise every entry; invalid ones are appended to ``problems`` (or raised)."""
        found: list[Problem] = []
        normalised: set[str] = set()
        for i, entry in enumerate(entries):
            try:
                normalised.add(
                    normalise_caller(
                        entry, region=region, local_part=local_part, field=f"{field}[{i}]"
                    )
                )
            except TierError as error:
                found.extend(error.problems)
        if problems is not None:
            problems.extend(found)
        elif found:
            raise TierError.from_problems(found, what="direct line")
        return cls(frozenset(normalised), region, local_part)

    def __len__(self) -> int:
        return len(self.entries)

    def identify(self, caller: str) -> str | None:
        """The caller's canonical form, or ``None`` if it is no phone number or address."""
        try:
            return normalise_caller(caller, region=self.region, local_part=self.local_part)
        except TierError:
            return None

    def allows(self, caller: str | None) -> bool:
        """Whether ``caller`` (any way of writing it) is on the list."""
        if caller is None:
            return False
        identity = self.identify(caller)
        return identity is not None and identity in self.entries
