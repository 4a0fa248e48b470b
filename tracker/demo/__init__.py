"""Demonstration and benchmark data: whole provinces of county files in the published layout."""
