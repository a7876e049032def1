"""koordination: the network directory and coordination tool of an Engagierte Stadt."""

__version__ = "0.1.0"
