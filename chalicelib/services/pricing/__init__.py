"""Pricing: price lists, their prices and their assignments (issue 10)."""
