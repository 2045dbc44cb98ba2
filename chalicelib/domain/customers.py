"""Customer companies as trees of units, customer groups, and what a unit inherits from above.

A customer is the root unit (kind ``company``) of a tree of any depth; every other unit names its
parent. A unit that leaves its customer group, tax code or payment term unset takes the nearest
value set above it, and one without addresses of a kind takes the nearest such addresses above it;
an inactive unit blocks ordering for its whole subtree. :func:`effective_unit` resolves all of it
from the path company -> unit and names the unit each value comes from.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Annotated, Literal, TypeVar

from pydantic import AfterValidator, Field, StringConstraints, field_validator

from chalicelib.domain.access import CompanyTree
from chalicelib.domain.base import CountryCode, Input, Name, Stamped, Version, View, patch_model

UnitKind = Literal["company", "division", "branch", "office", "department", "team"]
SubUnitKind = Literal["division", "branch", "office", "department", "team"]
UnitStatus = Literal["active", "inactive"]
AddressKind = Literal["billing", "shipping"]
ADDRESS_KINDS: tuple[AddressKind, ...] = ("billing", "shipping")
MAX_ADDRESSES = 50
MAX_SALES_REPS = 20

_ULID = "[0-9A-HJKMNP-TV-Z]{26}"
UnitId = Annotated[str, StringConstraints(pattern=rf"^(cus|unt)_{_ULID}$")]
CustomerGroupId = Annotated[str, StringConstraints(pattern=rf"^cgr_{_ULID}$")]
AddressId = Annotated[str, StringConstraints(pattern=rf"^adr_{_ULID}$")]
Line = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Place = Annotated[str, StringConstraints(min_length=1, max_length=100)]
PostalCode = Annotated[str, StringConstraints(min_length=1, max_length=20)]
TaxCode = Annotated[str, StringConstraints(min_length=1, max_length=64)]
PaymentTerm = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,31}$")]
ExternalId = Annotated[str, StringConstraints(min_length=1, max_length=128)]


SalesRepId = Annotated[str, StringConstraints(pattern=rf"^stf_{_ULID}$")]
INHERITED = "unset: the nearest value set above applies"


class Address(Input):
    """A billing or shipping address; ``id`` is given when it is first stored (send it back to keep it)."""

    id: AddressId | None = None
    kind: AddressKind
    label: Name
    line1: Line
    line2: Line | None = None
    city: Place
    postal_code: PostalCode
    region: Place | None = None
    country: CountryCode
    is_default: bool = False


def _checked_addresses(addresses: list[Address]) -> list[Address]:
    """At most one default address per kind, and no id twice."""
    for kind in ADDRESS_KINDS:
        if sum(address.is_default for address in addresses if address.kind == kind) > 1:
            raise ValueError(f"at most one {kind} address may be the default")
    ids = [address.id for address in addresses if address.id is not None]
    if len(set(ids)) != len(ids):
        raise ValueError("addresses must not repeat an id")
    return addresses


AddressList = Annotated[list[Address], Field(max_length=MAX_ADDRESSES), AfterValidator(_checked_addresses)]


class CustomerFields(Input):
    """What every unit has, the company at the root included (the body that creates a customer)."""

    name: Name
    status: UnitStatus = Field(default="active", description="inactive blocks ordering for the whole subtree")
    customer_group_id: CustomerGroupId | None = Field(default=None, description=INHERITED)
    tax_code: TaxCode | None = Field(default=None, description=INHERITED)
    payment_term: PaymentTerm | None = Field(default=None, description=f"like net30; {INHERITED}")
    sales_rep_ids: list[SalesRepId] = Field(
        default_factory=list,
        max_length=MAX_SALES_REPS,
        description="ids of staff users; a Sales Representative reaches the customers whose units name them",
    )
    addresses: AddressList = Field(
        default_factory=list, description="none of a kind: the nearest addresses of that kind above apply"
    )
    external_id: ExternalId | None = Field(default=None, description="the ERP's id of this unit")

    @field_validator("sales_rep_ids")
    @classmethod
    def _no_repeated_reps(cls, values: list[str]) -> list[str]:
        if len(set(values)) != len(values):
            raise ValueError("sales_rep_ids must not repeat a value")
        return values


CustomerPatch = patch_model(CustomerFields, "CustomerPatch")


class UnitFields(CustomerFields):
    """A unit below the company: its kind and the unit of the same customer it belongs to."""

    kind: SubUnitKind
    parent_id: UnitId


UnitPatch = patch_model(UnitFields, "UnitPatch")


class CompanyFields(CustomerFields):
    """What the root unit is: a company, with no parent (checks a change to the root)."""

    kind: Literal["company"]
    parent_id: None


class CompanyUnitFields(Input):
    """A sub-unit as the company's own administrators define it.

    The seller's terms (customer group, tax code, payment term, sales reps, ERP id, status) are not
    theirs to set, and addresses have routes of their own (``addresses.manage``).
    """

    name: Name
    kind: SubUnitKind
    parent_id: UnitId


CompanyUnitPatch = patch_model(CompanyUnitFields, "CompanyUnitPatch")


class UnitAddressesFields(Input):
    """A unit's own addresses, replacing the ones it has (none of a kind: the nearest above apply)."""

    addresses: AddressList
    version: Version | None = None


class Unit(CustomerFields, Stamped):
    """A unit as stored and answered: the company of a customer has its id and no parent."""

    customer_id: str
    kind: UnitKind
    parent_id: str | None


class TreeUnit(Unit):
    depth: int = Field(description="0 for the company, 1 for the units right below it, ...")


class UnitTree(View):
    """A customer's units, the company first and each unit followed by its subtree."""

    customer_id: str
    items: list[TreeUnit]


class Inherited(View):
    """A value after inheritance and the unit it comes from (None: no unit up to the company sets it)."""

    value: str | None
    source: str | None


class InheritedAddresses(View):
    value: list[Address]
    source: str | None


class EffectiveUnit(View):
    unit_id: str
    path: list[str] = Field(description="the unit ids from the company down to this unit")
    status: Inherited = Field(
        description="inactive if this unit or one above is; source: the highest such unit"
    )
    customer_group_id: Inherited
    tax_code: Inherited
    payment_term: Inherited
    addresses: dict[AddressKind, InheritedAddresses]


class UnitAddresses(View):
    """A unit's own addresses and, per kind, the ones that apply to it with the unit they come from."""

    unit_id: str
    version: int = Field(description="the unit's version: send it to replace the addresses")
    own: list[Address]
    effective: dict[AddressKind, InheritedAddresses] = Field(
        description="this unit's addresses of a kind, or else the nearest unit's above that has any"
    )


def company_tree(units: Mapping[str, Unit]) -> CompanyTree:
    return CompanyTree({unit_id: unit.parent_id for unit_id, unit in units.items()})


def tree_listing(tree: CompanyTree, units: Mapping[str, Unit]) -> list[TreeUnit]:
    """Every unit with its depth, depth-first from the company; siblings in id (creation) order.

    Sorting by path does it: a unit's path is a prefix of its descendants' paths.
    """
    return [
        TreeUnit.model_validate(
            {**units[unit_id].model_dump(), "depth": len(tree.path(unit_id)) - 1}, strict=False
        )
        for unit_id in sorted(units, key=tree.path)
    ]


ValueT = TypeVar("ValueT")


def _nearest(
    upwards: Sequence[Unit], value_of: Callable[[Unit], ValueT | None]
) -> tuple[ValueT | None, str | None]:
    """The first value a unit sets, walking up from the unit, and that unit's id."""
    for unit in upwards:
        value = value_of(unit)
        if value:  # None, or no address of the kind: the unit above decides
            return value, unit.id
    return None, None


def effective_unit(path: Sequence[Unit]) -> EffectiveUnit:
    """The last unit of ``path`` (the units from the company down to it) after inheritance."""
    unit, upwards = path[-1], path[::-1]
    blocking = next((above for above in path if above.status == "inactive"), None)
    status = (
        Inherited(value="inactive", source=blocking.id)
        if blocking
        else Inherited(value="active", source=unit.id)
    )

    def inherited(name: str) -> Inherited:
        value, source = _nearest(upwards, lambda above: getattr(above, name))
        return Inherited(value=value, source=source)

    return EffectiveUnit(
        unit_id=unit.id,
        path=[above.id for above in path],
        status=status,
        customer_group_id=inherited("customer_group_id"),
        tax_code=inherited("tax_code"),
        payment_term=inherited("payment_term"),
        addresses={kind: _addresses(upwards, kind) for kind in ADDRESS_KINDS},
    )


def unit_addresses(path: Sequence[Unit]) -> UnitAddresses:
    """The last unit of ``path``'s own addresses and those that apply to it (see :func:`effective_unit`)."""
    unit, upwards = path[-1], path[::-1]
    return UnitAddresses(
        unit_id=unit.id,
        version=unit.version,
        own=unit.addresses,
        effective={kind: _addresses(upwards, kind) for kind in ADDRESS_KINDS},
    )


def _addresses(upwards: Sequence[Unit], kind: AddressKind) -> InheritedAddresses:
    found, source = _nearest(upwards, lambda unit: [a for a in unit.addresses if a.kind == kind])
    return InheritedAddresses(value=found or [], source=source)


class CustomerGroupFields(Input):
    """A named group of customer units, for pricing and catalog rules."""

    name: Name
    description: Annotated[str, StringConstraints(min_length=1, max_length=1000)] | None = None


CustomerGroupPatch = patch_model(CustomerGroupFields, "CustomerGroupPatch")


class CustomerGroup(CustomerGroupFields, Stamped):
    pass
