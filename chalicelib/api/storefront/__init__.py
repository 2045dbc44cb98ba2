"""Routes for signed-in customer users (the storefront), under /v1/store."""
