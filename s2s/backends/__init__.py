"""Backends: compile a loaded generated module with Numba."""
