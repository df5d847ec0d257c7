"""A supplier's EPCIS documents for serialised pallets: the bench's generator
(`lotledger_bench.generator.pallets`), shared by the tests, the bench and the demo."""

from lotledger_bench.generator.pallets import Pallet, document, fresh_sscc, pallet, sscc_urn

__all__ = ["Pallet", "document", "fresh_sscc", "pallet", "sscc_urn"]
