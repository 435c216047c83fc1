"""Datasette plugins of the archive."""
