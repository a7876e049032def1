"""Domain: enums (pure Python), SQLAlchemy models and the plain records handed to faces."""
