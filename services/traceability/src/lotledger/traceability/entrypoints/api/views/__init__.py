"""Response bodies composed from read queries and the domain (reconciliation, exposure,
MKT, hash chain, EPCIS)."""
