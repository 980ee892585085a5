"""Head metadata, alternates and their lint."""
