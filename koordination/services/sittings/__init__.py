"""Sittings: agenda, attendance, minutes with decisions and tasks, approval and workshop cards."""
