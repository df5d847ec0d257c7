"""Pack and container identifiers as EPCIS and scanners write them.

- A pack is an SGTIN: GTIN + AI (21) serial. EPCIS gives it as a GS1 EPC URN
  `urn:epc:id:sgtin:{company prefix}.{indicator}{item ref}.{serial}` or a GS1 Digital Link
  URI `https://{any host}/01/{gtin}[/10/{lot}]/21/{serial}`.
- A container is an SSCC (AI 00, 18 digits with a GS1 check digit):
  `urn:epc:id:sscc:{company prefix}.{extension}{serial ref}` or `…/00/{sscc}`.
Anything else is not an identifier this system manages (`None`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote, unquote, urlsplit

from lotledger.shared.identifiers import LOT_PATTERN, gs1_check_digit

_SERIAL = re.compile(LOT_PATTERN)
_SGTIN_URN = re.compile(r"^urn:epc:id:sgtin:(\d{6,12})\.(\d{1,7})\.(.+)$")
_SSCC_URN = re.compile(r"^urn:epc:id:sscc:(\d{6,12})\.(\d{5,11})$")


@dataclass(frozen=True, order=True)
class Pack:
    gtin: str
    serial: str

    @property
    def key(self) -> str:
        return f"{self.gtin}/{self.serial}"


def valid_serial(serial: str) -> bool:
    """An AI (21) serial: 1–20 characters of the GS1 AI-82 set."""
    return bool(_SERIAL.match(serial))


def _with_check(body: str) -> str:
    return body + str(gs1_check_digit(body))


def valid_sscc(code: str) -> bool:
    return (
        len(code) == 18
        and code.isascii()
        and code.isdigit()
        and gs1_check_digit(code[:-1]) == int(code[-1])
    )


def _digital_link(uri: str) -> dict[str, str]:
    parts = urlsplit(uri)
    if parts.scheme not in ("http", "https"):
        return {}
    segments = [unquote(s) for s in parts.path.strip("/").split("/")]
    if len(segments) % 2:
        return {}
    return dict(zip(segments[::2], segments[1::2], strict=True))


def pack_of(uri: str) -> Pack | None:
    if match := _SGTIN_URN.match(uri):
        prefix, item, serial = match.groups()
        if len(prefix) + len(item) != 13:
            return None
        gtin, serial = _with_check(item[0] + prefix + item[1:]), unquote(serial)
    else:
        ais = _digital_link(uri)
        gtin, serial = ais.get("01", ""), ais.get("21", "")
        if "00" in ais or len(gtin) != 14 or not gtin.isdigit():
            return None
        if gs1_check_digit(gtin[:-1]) != int(gtin[-1]):
            return None
    return Pack(gtin, serial) if valid_serial(serial) else None


def sscc_of(uri: str) -> str | None:
    if match := _SSCC_URN.match(uri):
        prefix, rest = match.groups()
        if len(prefix) + len(rest) != 17:
            return None
        return _with_check(rest[0] + prefix + rest[1:])
    code = _digital_link(uri).get("00", "")
    return code if valid_sscc(code) else None


def sgtin_uri(pack: Pack) -> str:
    return f"https://id.gs1.org/01/{pack.gtin}/21/{quote(pack.serial, safe='')}"


def sscc_uri(sscc: str) -> str:
    return f"https://id.gs1.org/00/{sscc}"
