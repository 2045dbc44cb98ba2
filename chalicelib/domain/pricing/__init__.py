"""Pricing: price lists, their prices and assignments, money and the price engine."""
