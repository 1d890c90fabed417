"""emuxl: the annual scoring cycle of a Vietnamese emulation cluster (*cụm thi đua*)."""

__version__ = "0.1.0"
