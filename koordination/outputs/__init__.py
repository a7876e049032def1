"""Output layer: what koordination produces (documents, tables, open data) and how it is written."""
