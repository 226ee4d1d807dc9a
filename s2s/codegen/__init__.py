"""Code generation: deterministic names, printing, loading generated modules."""
