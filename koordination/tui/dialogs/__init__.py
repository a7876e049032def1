"""Dialogs several screens open: the export dialog over the output registry."""
