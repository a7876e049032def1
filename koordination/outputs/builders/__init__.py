"""Builders: plain records in, a Document or a Table out; they never query the database."""
