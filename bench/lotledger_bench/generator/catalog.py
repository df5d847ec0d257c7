"""The catalog the generator plays on: ~20 products with valid GTINs, the locations of
two warehouses by storage class, suppliers and pharmacies by GLN (never a name)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lotledger.shared.identifiers import gs1_check_digit

RANGES = {"cold": (2.0, 8.0), "cool": (8.0, 15.0), "ambient": (15.0, 25.0)}


def gtin(company: str, item: int) -> str:
    body = f"0{company}{item:0{12 - len(company)}d}"
    return body + str(gs1_check_digit(body))


def gln(n: int) -> str:
    body = f"950600{n:06d}"
    return body + str(gs1_check_digit(body))


@dataclass(frozen=True)
class Product:
    gtin: str
    name: str
    storage_class: str
    rx: bool
    reorder_point: int
    max_stock: int
    daily_demand: int

    def body(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "storage_class": self.storage_class,
            "rx": self.rx,
            "reorder_point": self.reorder_point,
            "max_stock": self.max_stock,
        }


@dataclass(frozen=True)
class Location:
    location_id: str
    kind: str
    storage_class: str

    @property
    def warehouse(self) -> str:
        return self.location_id.split("/", 1)[0]

    def body(self) -> dict[str, Any]:
        low, high = RANGES[self.storage_class]
        return {
            "warehouse": self.warehouse,
            "name": f"{self.storage_class} {self.kind} {self.location_id}",
            "kind": self.kind,
            "storage_class": self.storage_class,
            "temp_min_c": low,
            "temp_max_c": high,
            "humidity_min_pct": 35,
            "humidity_max_pct": 75,
            "timezone": "Europe/Berlin",
        }


_PRODUCTS = [
    ("Insulin glargine 100 U/ml pen", "cold", True, 40, 800, 30),
    ("Insulin aspart 100 U/ml vial", "cold", True, 30, 600, 20),
    ("Adalimumab 40 mg syringe", "cold", True, 10, 200, 6),
    ("Influenza vaccine 0.5 ml", "cold", True, 50, 2000, 60),
    ("Etanercept 50 mg pen", "cold", True, 10, 150, 4),
    ("Epoetin alfa 4000 IU", "cold", True, 10, 200, 5),
    ("Amoxicillin 250 mg/5 ml suspension", "cool", True, 40, 600, 25),
    ("Latanoprost 50 µg/ml eye drops", "cool", True, 30, 400, 12),
    ("Chloramphenicol eye drops 0.5 %", "cool", True, 20, 300, 8),
    ("Paracetamol 500 mg tablets", "ambient", False, 200, 8000, 300),
    ("Ibuprofen 400 mg tablets", "ambient", False, 200, 6000, 250),
    ("Metformin 850 mg tablets", "ambient", True, 150, 5000, 180),
    ("Atorvastatin 20 mg tablets", "ambient", True, 150, 5000, 160),
    ("Amlodipine 5 mg tablets", "ambient", True, 120, 4000, 140),
    ("Omeprazole 20 mg capsules", "ambient", True, 120, 4000, 150),
    ("Salbutamol 100 µg inhaler", "ambient", True, 60, 1500, 50),
    ("Levothyroxine 50 µg tablets", "ambient", True, 100, 3000, 90),
    ("Sertraline 50 mg tablets", "ambient", True, 80, 2500, 70),
    ("Cetirizine 10 mg tablets", "ambient", False, 100, 3000, 80),
    ("Oral rehydration salts sachet", "ambient", False, 100, 3000, 60),
]

_LOCATIONS = [
    ("WH1/COLD-A/01", "storage", "cold"),
    ("WH1/COLD-A/02", "storage", "cold"),
    ("WH1/COLD-Q/01", "quarantine", "cold"),
    ("WH1/COOL-A/01", "storage", "cool"),
    ("WH1/COOL-Q/01", "quarantine", "cool"),
    ("WH1/AMB-A/01", "storage", "ambient"),
    ("WH1/AMB-A/02", "storage", "ambient"),
    ("WH1/AMB-A/03", "storage", "ambient"),
    ("WH1/AMB-Q/01", "quarantine", "ambient"),
    ("WH1/DISPATCH/COLD", "dispatch", "cold"),
    ("WH1/DISPATCH/AMB", "dispatch", "ambient"),
    ("WH2/COLD-A/01", "storage", "cold"),
    ("WH2/AMB-A/01", "storage", "ambient"),
]


@dataclass(frozen=True)
class Catalog:
    products: tuple[Product, ...]
    locations: tuple[Location, ...]
    suppliers: tuple[str, ...]
    pharmacies: tuple[str, ...]

    def storage(self, storage_class: str, warehouse: str = "WH1") -> list[Location]:
        return [
            loc
            for loc in self.locations
            if loc.kind == "storage"
            and loc.storage_class == storage_class
            and loc.warehouse == warehouse
        ]

    def quarantine(self, storage_class: str, warehouse: str = "WH1") -> Location:
        return next(
            loc
            for loc in self.locations
            if loc.kind == "quarantine"
            and loc.storage_class == storage_class
            and loc.warehouse == warehouse
        )

    def stocking_pairs(self) -> list[tuple[str, str]]:
        """(gtin, location) for every product and each WH1 storage location of its class."""
        return [
            (p.gtin, loc.location_id)
            for p in self.products
            for loc in self.storage(p.storage_class)
        ]


CATALOG = Catalog(
    products=tuple(Product(gtin("950600", 1000 + i), *row) for i, row in enumerate(_PRODUCTS)),
    locations=tuple(Location(*row) for row in _LOCATIONS),
    suppliers=tuple(gln(n) for n in (1, 2, 3, 4)),
    pharmacies=tuple(gln(n) for n in range(100, 124)),
)
