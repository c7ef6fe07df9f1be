"""The normalized record of a number claim, as the annotation guidelines define it
(``shared/guidelines/annotation.md``, "The normalized record of a number claim").

:class:`Quantity` holds the fields in their order (``to_dict`` keeps it); :func:`quantity_record` makes
one from what the grammar read: a value or bounds, the modifier before or after the number, and the
kind, unit and currency of its marker. Bounds absent are None with their inclusivity None; a number
is an int when integral (60000, never 60000.0).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from fractions import Fraction

Number = int | float

# What a modifier does: approx keeps the value; gt/ge give a lower bound (exclusive/inclusive), lt/le an upper.
APPROX, GT, GE, LT, LE = "approx", "gt", "ge", "lt", "le"
MODIFIERS = (APPROX, GT, GE, LT, LE)


@dataclass(frozen=True)
class Quantity:
    """The normalized record; the fields in the order the guidelines and the claim records give them."""

    value: Number | None = None
    lower: Number | None = None
    upper: Number | None = None
    lower_inclusive: bool | None = None
    upper_inclusive: bool | None = None
    approx: bool = False
    vague: bool = False
    kind: str | None = None
    unit: str | None = None
    currency: str | None = None

    def to_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @property
    def has_number(self) -> bool:
        """Whether the expression was read: a value or at least one bound."""
        return self.value is not None or self.lower is not None or self.upper is not None


def to_number(x: Fraction | None) -> Number | None:
    if x is None:
        return None
    return int(x) if x.denominator == 1 else float(x)


def quantity_record(
    value: Fraction | None,
    lower: Fraction | None,
    upper: Fraction | None,
    modifier: str | None,
    *,
    vague: bool,
    kind: str,
    unit: str | None,
    currency: str | None,
) -> Quantity:
    """The record of an exact ``value``, or (``value`` None) of the bounds of a range or vague amount (both
    inclusive); a comparator keeps one side: ``أكثر من 50`` has lower 50 exclusive and no value."""
    what = dict(approx=modifier == APPROX, kind=kind, unit=unit, currency=currency)
    if value is None:
        if modifier in (GT, GE):
            bounds = dict(lower=to_number(lower), lower_inclusive=modifier == GE)
        elif modifier in (LT, LE):
            bounds = dict(upper=to_number(upper), upper_inclusive=modifier == LE)
        else:
            bounds = dict(lower=to_number(lower), upper=to_number(upper), lower_inclusive=True, upper_inclusive=True)
        return Quantity(vague=vague, **bounds, **what)
    if modifier in (GT, GE):
        return Quantity(lower=to_number(value), lower_inclusive=modifier == GE, **what)
    if modifier in (LT, LE):
        return Quantity(upper=to_number(value), upper_inclusive=modifier == LE, **what)
    return Quantity(value=to_number(value), **what)
