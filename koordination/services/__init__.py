"""Use cases, one module per area; each call is one transaction and returns plain records."""
