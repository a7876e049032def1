"""The network directory: people, organisations, groups, consents, the city profile, imports."""
