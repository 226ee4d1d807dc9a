"""Frontend passes: parse, resolve names, fence the subset, desugar, A-normal form."""

# The runtime's helpers the normal form itself writes into a user's code (loops over
# `numba.prange`, `np.split`, unpacking's length check, ...): code that calls only these is
# the user's, not code s2s generated.
NORMAL_FORM_HELPERS = frozenset(
    "_s2s." + name
    for name in (
        "in_range index_of item prange require_length shape_size split_bound split_count"
    ).split()
)
