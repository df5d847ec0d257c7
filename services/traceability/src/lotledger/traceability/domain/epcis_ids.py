"""Identifiers and times as EPCIS 2.0 writes them.

- The lot is the EPC class: a GS1 Digital Link URI `https://id.gs1.org/01/{gtin}/10/{lot}`
  with the lot percent-encoded (every AI 82 character outside `A-Z a-z 0-9 - . _`).
- A serialised pack is an SGTIN in the same form, `https://id.gs1.org/01/{gtin}/21/{serial}`
  (an ObjectEvent of packs lists them in `epcList` instead of a lot quantity); a
  container is an SSCC, `https://id.gs1.org/00/{sscc}`.
- A party that is a GLN (13 digits, valid check digit) is a Digital Link party GLN,
  `https://id.gs1.org/417/{gln}`; any other party id is `urn:lotledger:party:{id}`.
  Location ids carry no GLN in the catalog, so they are `urn:lotledger:location:{id}`
  (e.g. `urn:lotledger:location:WH1/COLD-A/03`), sensors `urn:lotledger:sensor:{id}`,
  business documents `urn:lotledger:{order|reference}:{id}`. `lotledger` is a private
  URN namespace: the ids are valid URIs that only this system dereferences.
- Event ids are `urn:uuid:` of the stream's event id. The `ni:///sha-256;…?ver=CBV2.0`
  form is reserved for the CBV's own event hash, which the chain hash is not.
- Times are written in the location's time zone with millisecond precision, with the
  matching `eventTimeZoneOffset`.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote
from uuid import UUID
from zoneinfo import ZoneInfo

from lotledger.shared.identifiers import gs1_check_digit

DIGITAL_LINK = "https://id.gs1.org"


def lot_class_uri(gtin: str, lot: str) -> str:
    return f"{DIGITAL_LINK}/01/{gtin}/10/{quote(lot, safe='')}"


def sgtin_uri(gtin: str, serial: str) -> str:
    """A serialised pack (ADR 0016): `https://id.gs1.org/01/{gtin}/21/{serial}`."""
    return f"{DIGITAL_LINK}/01/{gtin}/21/{quote(serial, safe='')}"


def sscc_uri(sscc: str) -> str:
    """A container (ADR 0016): `https://id.gs1.org/00/{sscc}`."""
    return f"{DIGITAL_LINK}/00/{sscc}"


def is_gln(party: str) -> bool:
    return (
        len(party) == 13
        and party.isascii()
        and party.isdigit()
        and gs1_check_digit(party[:-1]) == int(party[-1])
    )


def party_uri(party: str) -> str:
    if is_gln(party):
        return f"{DIGITAL_LINK}/417/{party}"
    return _urn("party", party)


def location_uri(location_id: str) -> str:
    return _urn("location", location_id)


def sensor_uri(sensor: str) -> str:
    return _urn("sensor", sensor)


def document_uri(kind: str, reference: str) -> str:
    return _urn(kind, reference)


def event_uri(event_id: UUID) -> str:
    return event_id.urn


def local_time(instant: datetime, zone: str) -> tuple[str, str]:
    """`instant` as an RFC 3339 time in `zone` and that zone's offset there (`+01:00`)."""
    local = instant.astimezone(ZoneInfo(zone))
    offset = local.utcoffset()
    total = 0 if offset is None else int(offset.total_seconds()) // 60
    sign = "-" if total < 0 else "+"
    hours, mins = divmod(abs(total), 60)
    return local.isoformat(timespec="milliseconds"), f"{sign}{hours:02d}:{mins:02d}"


def _urn(kind: str, value: str) -> str:
    return f"urn:lotledger:{kind}:{quote(value, safe='/:')}"
