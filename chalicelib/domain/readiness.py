"""What the readiness check answers: each dependency by its role, and whether it answered."""

from __future__ import annotations

from typing import Literal

from chalicelib.domain.base import View

DependencyStatus = Literal["ok", "unavailable"]


class Readiness(View):
    status: Literal["ready"]
    dependencies: dict[str, DependencyStatus]
