"""Helpers shared by tests of several costs (service, cli, e2e)."""
