"""Taxes: the tenant's tax configuration (``configuration``) and the calculation the checkout and the
admin preview call (``calculation``)."""
