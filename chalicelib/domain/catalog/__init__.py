"""Pure catalog logic: product and category rules, text folding for search, visibility resolution."""
