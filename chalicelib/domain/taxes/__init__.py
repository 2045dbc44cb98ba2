"""Pure taxes: the tenant's configuration and which rule applies (``configuration``), and the
calculation of an order's taxes and totals (``calculation``)."""
