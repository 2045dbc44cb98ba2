"""The catalog: attributes, products, categories, media, visibility and selections (issue 9)."""
