"""Routes for the seller's staff (the back office), under /v1/admin."""
