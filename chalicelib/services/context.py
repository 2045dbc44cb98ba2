"""Who a service call is for: the principal and the request's correlation id."""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.platform.errors import Forbidden
from chalicelib.platform.principal import Principal


@dataclass(frozen=True)
class Caller:
    principal: Principal
    correlation_id: str | None = None

    @property
    def tenant_id(self) -> str:
        """The tenant every key of this call is built from (never taken from a body)."""
        if self.principal.tenant_id is None:
            raise Forbidden("this call needs a tenant")
        return self.principal.tenant_id
