"""Static analyses of normalised functions, each in its own module."""
