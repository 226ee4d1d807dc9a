"""Frontend passes: parse, resolve names, fence the subset, desugar, A-normal form."""
