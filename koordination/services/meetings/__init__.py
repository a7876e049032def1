"""Meetings and series: scheduling, invitations and their delivery, replies."""
