"""The demo catalog: attributes of every kind, a category tree three levels deep and a few hundred
products with variant families and documents, generated from a fixed seed so every machine gets the
same catalog.

Pure data: the bodies the admin API would take, with categories and parents named by demo keys (a
category by its path of English slugs, a product by its SKU) that :mod:`local.seed` resolves to the
ids it made. Nothing here reads or writes the table.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from chalicelib.domain.catalog.text import words

RANDOM_SEED = 9  # issue 9: change it and every machine's demo catalog changes the same way
LOCALES = ("en", "de", "fr")
# Products are named in English and German only: French buyers see the English name through the
# France website's locale chain (fr-FR -> en), and each product's transaction keeps fewer search tokens.
PRODUCT_LOCALES = ("en", "de")
PRODUCTS_PER_LEAF = 15
# (English, German, French) names. The root slugs stay clear of the README's try-it block, which
# creates "workwear" > "gloves" in the same organization.
Names = tuple[str, str, str]
Branch = tuple[Names, tuple[Names, ...]]
TREE: tuple[tuple[Names, tuple[Branch, ...]], ...] = (
    (
        ("Safety equipment", "Arbeitsschutz", "Équipement de sécurité"),
        (
            (
                ("Hand protection", "Handschutz", "Protection des mains"),
                (
                    ("Cut resistant gloves", "Schnittschutzhandschuhe", "Gants anti-coupure"),
                    ("Chemical gloves", "Chemikalienhandschuhe", "Gants chimiques"),
                ),
            ),
            (
                ("Eye protection", "Augenschutz", "Protection des yeux"),
                (
                    ("Safety glasses", "Schutzbrillen", "Lunettes de protection"),
                    ("Face shields", "Gesichtsschilde", "Écrans faciaux"),
                ),
            ),
        ),
    ),
    (
        ("Hand tools", "Handwerkzeuge", "Outils à main"),
        (
            (
                ("Wrenches", "Schraubenschlüssel", "Clés"),
                (
                    ("Open end wrenches", "Gabelschlüssel", "Clés plates"),
                    ("Torque wrenches", "Drehmomentschlüssel", "Clés dynamométriques"),
                ),
            ),
            (
                ("Screwdrivers", "Schraubendreher", "Tournevis"),
                (
                    ("Slotted screwdrivers", "Schlitzschraubendreher", "Tournevis plats"),
                    ("Torx screwdrivers", "Torx Schraubendreher", "Tournevis Torx"),
                ),
            ),
        ),
    ),
    (
        ("Fasteners", "Befestigungstechnik", "Fixations"),
        (
            (
                ("Screws", "Schrauben", "Vis"),
                (
                    ("Wood screws", "Holzschrauben", "Vis à bois"),
                    ("Machine screws", "Maschinenschrauben", "Vis à métaux"),
                ),
            ),
            (
                ("Anchors", "Dübel", "Chevilles"),
                (
                    ("Nylon anchors", "Nylondübel", "Chevilles nylon"),
                    ("Chemical anchors", "Injektionsanker", "Scellements chimiques"),
                ),
            ),
        ),
    ),
    (
        ("Electrical", "Elektrotechnik", "Électricité"),
        (
            (
                ("Cables", "Kabel", "Câbles"),
                (
                    ("Power cables", "Stromkabel", "Câbles d'alimentation"),
                    ("Data cables", "Datenkabel", "Câbles de données"),
                ),
            ),
            (
                ("Lighting", "Beleuchtung", "Éclairage"),
                (
                    ("LED panels", "LED Panels", "Panneaux LED"),
                    ("Work lights", "Arbeitsleuchten", "Lampes de travail"),
                ),
            ),
        ),
    ),
    (
        ("Hydraulics", "Hydraulik", "Hydraulique"),
        (
            (
                ("Hoses", "Schläuche", "Flexibles"),
                (
                    ("High pressure hoses", "Hochdruckschläuche", "Flexibles haute pression"),
                    ("Suction hoses", "Saugschläuche", "Flexibles d'aspiration"),
                ),
            ),
            (
                ("Fittings", "Verschraubungen", "Raccords"),
                (
                    ("Straight fittings", "Gerade Verschraubungen", "Raccords droits"),
                    ("Elbow fittings", "Winkelverschraubungen", "Raccords coudés"),
                ),
            ),
        ),
    ),
)
ADJECTIVES = (
    ("Standard", "Standard", "Standard"),
    ("Heavy duty", "Schwerlast", "Robuste"),
    ("Compact", "Kompakt", "Compact"),
    ("Premium", "Premium", "Premium"),
    ("Industrial", "Industrie", "Industriel"),
)
BRANDS = ("Acme", "Forge & Co", "Nordwerk", "Helios", "Vulcan")
COLOURS = ("black", "blue", "red", "yellow", "grey")
SIZES = ("s", "m", "l", "xl")
STANDARDS = ("en388", "en166", "iso9001", "ce", "ul")
INVENTORY = ("in_stock", "in_stock", "in_stock", "backorder", "out_of_stock", "discontinued")


def _labels(en: str, de: str, fr: str) -> dict[str, str]:
    return dict(zip(LOCALES, (en, de, fr), strict=True))


def _slugs(names: tuple[str, str, str]) -> dict[str, str]:
    return {locale: "-".join(words(name)) for locale, name in zip(LOCALES, names, strict=True)}


def _options(codes: tuple[str, ...]) -> list[dict[str, Any]]:
    return [
        {"code": code, "label": {"en": code.upper() if len(code) <= 3 else code.title()}} for code in codes
    ]


ATTRIBUTES: tuple[dict[str, Any], ...] = (
    {"code": "material", "kind": "text", "label": _labels("Material", "Material", "Matière")},
    {"code": "weight", "kind": "number", "unit": "kg", "label": _labels("Weight", "Gewicht", "Poids")},
    {"code": "length", "kind": "number", "unit": "mm", "label": _labels("Length", "Länge", "Longueur")},
    {"code": "rohs", "kind": "boolean", "label": _labels("RoHS compliant", "RoHS konform", "Conforme RoHS")},
    {
        "code": "colour",
        "kind": "enum",
        "label": _labels("Colour", "Farbe", "Couleur"),
        "options": _options(COLOURS),
    },
    {"code": "size", "kind": "enum", "label": _labels("Size", "Größe", "Taille"), "options": _options(SIZES)},
    {
        "code": "standards",
        "kind": "multi_enum",
        "label": _labels("Standards", "Normen", "Normes"),
        "options": _options(STANDARDS),
    },
)
MATERIALS = ("steel", "stainless steel", "nitrile", "polycarbonate", "copper", "nylon", "brass", "rubber")


@dataclass(frozen=True)
class DemoCategory:
    """A category; ``key`` is its path of English slugs (``safety-equipment/hand-protection``)."""

    key: str
    parent_key: str | None
    fields: dict[str, Any]


@dataclass(frozen=True)
class DemoMedia:
    fields: dict[str, Any]

    @property
    def key(self) -> str:
        return str(self.fields["filename"])


@dataclass(frozen=True)
class DemoProduct:
    """A product by its SKU; its categories and parent are demo keys, resolved when it is made."""

    sku: str
    fields: dict[str, Any]
    category_keys: tuple[str, ...] = ()
    parent_sku: str | None = None
    media: tuple[DemoMedia, ...] = ()

    def resolved(
        self, organization_id: str, category_ids: dict[str, str], parent_id: str | None
    ) -> dict[str, Any]:
        """The API body, with the ids the seed has (a category it could not make is left out)."""
        ids = [category_ids[key] for key in self.category_keys if key in category_ids]
        body = {**self.fields, "sku": self.sku, "organization_id": organization_id}
        if ids:
            body |= {"primary_category_id": ids[0], "category_ids": ids[1:]}
        return body | ({"parent_id": parent_id} if parent_id else {})


@dataclass(frozen=True)
class DemoCatalog:
    attributes: tuple[dict[str, Any], ...]
    categories: tuple[DemoCategory, ...]  # parents first
    products: tuple[DemoProduct, ...]  # parents before their variants


def _categories() -> list[DemoCategory]:
    made: list[DemoCategory] = []

    def add(names: tuple[str, str, str], parent: DemoCategory | None, position: int) -> DemoCategory:
        slug = _slugs(names)
        key = f"{parent.key}/{slug['en']}" if parent else slug["en"]
        fields = {"name": _labels(*names), "slug": slug, "position": position}
        category = DemoCategory(key, parent.key if parent else None, fields)
        made.append(category)
        return category

    for root_position, (root_names, children) in enumerate(TREE):
        root = add(root_names, None, root_position)
        for child_position, (child_names, leaves) in enumerate(children):
            child = add(child_names, root, child_position)
            for leaf_position, leaf_names in enumerate(leaves):
                add(leaf_names, child, leaf_position)
    return made


def _units(rng: random.Random) -> dict[str, Any]:
    """Most products sell by the piece; some also by the box of 12 or the pallet of 480."""
    pick = rng.random()
    if pick < 0.6:
        return {}
    box = {
        "code": "box",
        "label": _labels("box of 12", "Karton mit 12", "boîte de 12"),
        "conversion_factor": "12",
        "min_order_quantity": "1",
        "order_increment": "1",
    }
    units = [{"code": "each", "label": _labels("piece", "Stück", "piece")}, box]
    if pick > 0.9:
        units.append(
            {"code": "pallet", "label": _labels("pallet", "Palette", "palette"), "conversion_factor": "480"}
        )
    return {"units": units}


def _attributes(rng: random.Random, *, variant_free: bool) -> dict[str, Any]:
    values: dict[str, Any] = {
        "material": rng.choice(MATERIALS),
        "weight": str(Decimal(rng.randint(5, 5000)) / 100),
        "rohs": rng.random() < 0.7,
    }
    if rng.random() < 0.5:
        values["length"] = str(rng.randint(10, 2000))
    if rng.random() < 0.5:
        values["standards"] = sorted(rng.sample(STANDARDS, rng.randint(1, 3)))
    if variant_free:
        values["colour"] = rng.choice(COLOURS)
    return values


def _media(rng: random.Random, sku: str, number: int) -> tuple[DemoMedia, ...]:
    """Every tenth product has a data sheet; every thirtieth a certificate too (issuer, expiry)."""
    if number % 10:
        return ()
    sheet = DemoMedia(
        {
            "kind": "document",
            "filename": f"{sku.lower()}-datasheet.pdf",
            "content_type": "application/pdf",
            "size": rng.randint(40_000, 900_000),
            "title": _labels("Data sheet", "Datenblatt", "Fiche technique"),
        }
    )
    if number % 30:
        return (sheet,)
    certificate = DemoMedia(
        {
            "kind": "certificate",
            "filename": f"{sku.lower()}-ce.pdf",
            "content_type": "application/pdf",
            "size": rng.randint(40_000, 400_000),
            "title": _labels("CE declaration", "CE Konformitätserklärung", "Déclaration CE"),
            "issuer": rng.choice(("TÜV Rheinland", "DEKRA", "SGS")),
            "valid_until": date(2027 + number % 3, 1 + number % 12, 1).isoformat(),
        }
    )
    return (sheet, certificate)


def _simple_product(rng: random.Random, leaf: DemoCategory, sku: str, number: int, other: str) -> DemoProduct:
    adjective = rng.choice(ADJECTIVES)
    leaf_name = leaf.fields["name"]
    names = [
        f"{adjective[index]} {leaf_name[locale]} {number:03d}" for index, locale in enumerate(PRODUCT_LOCALES)
    ]
    status = rng.choice(INVENTORY)
    inventory: dict[str, Any] = {"status": status}
    if status in ("in_stock", "backorder"):
        inventory["quantity"] = str(rng.randint(0, 5000))
    fields = {
        "name": dict(zip(PRODUCT_LOCALES, names, strict=True)),
        "short_description": {"en": "For professional use", "de": "Für den professionellen Einsatz"},
        "long_description": {"en": f"{names[0]}.\nMade for daily industrial use.\nDeterministic demo data."},
        "brand": rng.choice(BRANDS),
        "status": "disabled" if number % 50 == 49 else "enabled",
        "inventory": inventory,
        "tax_code": "standard",
        "attributes": _attributes(rng, variant_free=True),
        **_units(rng),
    }
    # every fourth product is also listed in a second leaf: products of several categories
    categories = (leaf.key, other) if number % 4 == 0 and other != leaf.key else (leaf.key,)
    return DemoProduct(sku, fields, categories, media=_media(rng, sku, number))


def _family(rng: random.Random, leaf: DemoCategory, sku: str, number: int) -> list[DemoProduct]:
    """A configurable product by size (and colour for every other family), with its variants."""
    by_colour = number % 2 == 0
    axes = ["size", "colour"] if by_colour else ["size"]
    leaf_name = leaf.fields["name"]
    parent = DemoProduct(
        sku,
        {
            "name": {locale: f"{leaf_name[locale]} {number:03d}" for locale in PRODUCT_LOCALES},
            "brand": rng.choice(BRANDS),
            "variant_attributes": axes,
            "attributes": {"material": rng.choice(MATERIALS)},
        },
        (leaf.key,),
        media=_media(rng, sku, 0),
    )
    colours = rng.sample(COLOURS, 2) if by_colour else [None]
    variants = []
    for size in SIZES:
        for colour in colours:
            suffix = f"{size}-{colour}" if colour else size
            values: dict[str, Any] = {"size": size} | ({"colour": colour} if colour else {})
            variants.append(
                DemoProduct(
                    f"{sku}-{suffix.upper()}",
                    {
                        "name": {
                            locale: f"{leaf_name[locale]} {number:03d} {suffix.upper()}"
                            for locale in PRODUCT_LOCALES
                        },
                        "inventory": {"status": "in_stock", "quantity": str(rng.randint(1, 400))},
                        "attributes": values | _attributes(rng, variant_free=False),
                    },
                    parent_sku=sku,
                )
            )
    return [parent, *variants]


def demo_catalog(products_per_leaf: int = PRODUCTS_PER_LEAF) -> DemoCatalog:
    """The same catalog on every call and every machine (``random.Random(RANDOM_SEED)``); fewer simple
    products per leaf category make a smaller one of the same shape."""
    rng = random.Random(RANDOM_SEED)
    categories = _categories()
    parents = {category.parent_key for category in categories}
    leaves = [category for category in categories if category.key not in parents]
    products: list[DemoProduct] = []
    for leaf_number, leaf in enumerate(leaves):
        code = "".join(word[0] for word in leaf.key.split("/")[-1].split("-")).upper()
        prefix = f"{code}{leaf_number:02d}"
        for number in range(products_per_leaf):
            other = leaves[(leaf_number + 7) % len(leaves)].key
            products.append(_simple_product(rng, leaf, f"{prefix}-{number:03d}", number, other))
        if leaf_number % 3 == 0:  # a variant family in every third leaf
            products += _family(rng, leaf, f"{prefix}-F{leaf_number:02d}", leaf_number)
    return DemoCatalog(ATTRIBUTES, tuple(categories), tuple(products))
