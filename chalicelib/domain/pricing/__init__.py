"""Pure pricing: price selection along a buyer's assignment chain (``engine``) and rule-based price
generation (``rules``); money and rounding live in ``chalicelib.domain.money``."""
