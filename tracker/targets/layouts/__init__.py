"""Readers of the layouts a target table arrives in; each produces a cells.Document (DOMAIN.md §1.2)."""
