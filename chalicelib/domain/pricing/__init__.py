"""Pricing: money, price rules and the pure price engine (issue 10)."""
