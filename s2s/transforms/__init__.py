"""Transformations of normalised programs: reverse mode (and, later, forward mode and vmap)."""
