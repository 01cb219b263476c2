"""The okrs pages, one module per resource; `common` holds what they share."""
