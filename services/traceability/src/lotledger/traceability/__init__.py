"""lotledger traceability service."""

SERVICE = "traceability"
VERSION = "0.1.0"
DESCRIPTION = (
    "Read side for regulators and QA: lot trace, recall report, stock as of an "
    "instant, climate, excursions, hash-chain verification and EPCIS 2.0 export."
)
