"""Engagement opportunities (Mitwirkungsmöglichkeiten): keeping them, reminding, publishing."""
