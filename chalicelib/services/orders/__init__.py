"""Checkout, placing orders, and orders through their workflow (``docs/orders-design.md``)."""
