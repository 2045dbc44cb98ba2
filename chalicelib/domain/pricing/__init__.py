"""Pure pricing logic: price selection along a buyer's assignment chain (``engine``)."""
