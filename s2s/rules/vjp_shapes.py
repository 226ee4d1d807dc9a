"""Reverse-mode rules of shape operations: the share is the adjoint, reshaped back."""

from .registry import defvjp

defvjp(["np.reshape", "np.ravel", "np.squeeze", "np.expand_dims", "np.atleast_1d",
        "np.atleast_2d"], "x, arg=None", x="_s2s.reshape_like(g, x)")
defvjp("np.transpose", "x, axes=None", x="_s2s.transpose_adjoint(g, axes)")
defvjp("np.broadcast_to", "x, shape", x="_s2s.unbroadcast(g, x)")
defvjp("np.diag", "x", x="_s2s.diag_adjoint(g, x)")
defvjp("np.flip", "x, axis=None", x="np.flip(g)")
# Rules over sequences of arrays: `seq` is the tuple or list; the transform distributes the
# share of element k, with `k` and the running offset `offset` along `axis` bound per element.
defvjp("np.concatenate", "seq, axis=0", seq="_s2s.slice_along(g, axis, offset, k)")
defvjp("np.stack", "seq, axis=0", seq="_s2s.take_along(g, axis, k)")
defvjp("np.vstack", "seq", seq="_s2s.vstack_part(g, offset, k)")
defvjp("np.hstack", "seq", seq="_s2s.hstack_part(g, offset, k)")
