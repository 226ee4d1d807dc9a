"""Rules of functions that make arrays from numbers, both modes.

``np.full_like`` fills with a value that may carry derivatives; ``np.arange`` and
``np.linspace`` are affine in their ends and step; the random draws are differentiated along
their path (the reparameterisation of JAX's ``random.normal(key) * scale + loc``): a draw
moves with its location and scale, the underlying standard draw held fixed.
"""

from .registry import defjvp, deflinear, defvjp

defvjp("np.full_like", "a, fill_value, dtype=None", fill_value="_s2s.unbroadcast(g, fill_value)")
defjvp("np.full_like", "a, fill_value, dtype=None", fill_value="_s2s.spread(dfill_value, a)")

# y[k] = start + k * step; with one argument, that argument is the stop.
defvjp(
    "np.arange",
    "start, stop=None, step=None",
    start="_s2s.arange_start_share(g, stop)",
    step="np.sum(g * np.arange(g.shape[0]))",
)
defjvp(
    "np.arange",
    "start, stop=None, step=None",
    start="_s2s.arange_start_tangent(dstart, stop, y)",
    step="dstep * np.arange(y.shape[0])",
)
# y[k] = start + t[k] * (stop - start), t = linspace(0, 1, num)
_T = "np.linspace(0.0, 1.0, num)"
defvjp(
    "np.linspace",
    "start, stop, num=50",
    start=f"np.sum(g * (1.0 - {_T}))",
    stop=f"np.sum(g * {_T})",
)
deflinear("np.linspace", "start, stop, num=50", linear="start, stop")
# Spacings whose logarithm is linear in t: y moves with each end by y times these factors,
# times 1 - t (start) or t (stop).
LOG_SPACINGS = {
    "np.logspace": ("2.302585092994046", "2.302585092994046"),  # 10^linspace(start, stop)
    "np.geomspace": ("1.0 / start", "1.0 / stop"),  # start (stop / start)^t
}
for _name, (_at_start, _at_stop) in LOG_SPACINGS.items():
    defvjp(
        _name,
        "start, stop, num=50",
        start=f"np.sum(g * y * (1.0 - {_T})) * {_at_start}",
        stop=f"np.sum(g * y * {_T}) * {_at_stop}",
    )
    defjvp(
        _name,
        "start, stop, num=50",
        start=f"y * (1.0 - {_T}) * (dstart * {_at_start})",
        stop=f"y * {_T} * (dstop * {_at_stop})",
    )

# y = loc + scale * z
defvjp(
    "np.random.normal",
    "loc=0.0, scale=1.0, size=None",
    broadcast=True,
    loc="g",
    scale="g * (y - loc) / scale",
)
defjvp(
    "np.random.normal",
    "loc=0.0, scale=1.0, size=None",
    loc="_s2s.spread(dloc, y)",
    scale="dscale * (y - loc) / scale",
)
# y = low + (high - low) * u
defvjp(
    "np.random.uniform",
    "low=0.0, high=1.0, size=None",
    broadcast=True,
    low="g * (high - y) / (high - low)",
    high="g * (y - low) / (high - low)",
)
defjvp(
    "np.random.uniform",
    "low=0.0, high=1.0, size=None",
    low="dlow * (high - y) / (high - low)",
    high="dhigh * (y - low) / (high - low)",
)
# y = scale * e
defvjp("np.random.exponential", "scale=1.0, size=None", broadcast=True, scale="g * y / scale")
defjvp("np.random.exponential", "scale=1.0, size=None", scale="dscale * y / scale")
# counts weighted: each weight goes to its bin
defvjp("np.bincount", "x, weights=None, minlength=0", weights="g[x]")
defjvp(
    "np.bincount",
    "x, weights=None, minlength=0",
    weights="np.bincount(x, dweights, minlength)",
)
