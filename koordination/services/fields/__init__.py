"""Action fields (Handlungsfelder): goals, measures, indicators and their links."""
