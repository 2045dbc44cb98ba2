"""Modules loaded on first use, so that importing the API stays cheap (Lambda cold start).

Route modules declare their models at import but need their services (and with them PynamoDB and
botocore) only when a request arrives; :func:`lazy_module` stands for such a module until one of its
attributes is first read, and then imports it. The import system's own per-module lock makes a
concurrent first use wait until the module has run whole (``importlib.util.LazyLoader`` does not on
Python 3.11: twenty threads placing one checkout at once saw a module half run, without its
functions).
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from types import ModuleType
from typing import Any


class _Deferred(ModuleType):
    """Stands for the module of the same name until an attribute is read, then reads it there."""

    def __getattr__(self, attribute: str) -> Any:
        return getattr(importlib.import_module(self.__name__), attribute)


def lazy_module(name: str) -> ModuleType:
    """The module ``name``, imported on first attribute access (at once if it is already loaded)."""
    if name in sys.modules:
        return sys.modules[name]
    if importlib.util.find_spec(name) is None:
        raise ModuleNotFoundError(name)
    return _Deferred(name)
