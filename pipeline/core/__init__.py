"""The model, settings, URLs and file output every other package uses."""
