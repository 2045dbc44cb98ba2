"""Order numbers: a tenant's sequence (1, 2, 3...) written in the tenant's format (``SO-000042``).

The number itself is taken in the order's own transaction (``store.order_numbers``); this module only
says how a tenant writes it.
"""

from __future__ import annotations

from pydantic import Field

from chalicelib.domain.base import Input

MAX_PADDING = 12


class OrderNumberFormat(Input):
    """How a tenant writes its order numbers: ``prefix`` then the number, zero-padded to ``padding``."""

    prefix: str = Field(default="", max_length=12, pattern=r"^[A-Za-z0-9-]*$", examples=["SO-"])
    padding: int = Field(default=6, ge=1, le=MAX_PADDING, description="digits at least (zeros in front)")

    def format(self, number: int) -> str:
        """``number`` as this tenant writes it; a number wider than the padding keeps all its digits."""
        if number < 1:
            raise ValueError("order numbers start at 1")
        return f"{self.prefix}{number:0{self.padding}d}"
