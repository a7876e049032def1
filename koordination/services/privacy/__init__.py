"""Data protection: the access report, erasure, retention rules and the audit trail."""
