"""A seeded generator of realistic warehouse histories: the catalog it plays on, the
operations a day of scanners would post, the stock events they produce, and those events
as hash-chained CloudEvents. `make bench` seeds its service from it and will bulk-load
its events; `make demo`'s warehouse day can replay its operations."""

from lotledger_bench.generator.catalog import CATALOG, Catalog, Location, Product
from lotledger_bench.generator.envelopes import Chainer
from lotledger_bench.generator.history import History
from lotledger_bench.generator.stock import Step, Stock

__all__ = ["CATALOG", "Catalog", "Chainer", "History", "Location", "Product", "Step", "Stock"]
