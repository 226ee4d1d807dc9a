"""Transformations of normalised programs: reverse mode, forward mode, Jacobians, batching
and CUDA kernels."""
