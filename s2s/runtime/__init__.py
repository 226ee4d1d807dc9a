"""Runtime helpers called by generated code, in Python and (through overloads) in Numba.

Generated modules import this package as ``_s2s``. Every helper here is a plain Python
function that works when the generated code runs uninterpreted (``jit=False``), paired with a
``numba.extending.overload`` that picks the right implementation at Numba typing time, so one
spelling serves scalars, arrays and tuples without a run-time ``if``.

No overload here is ``inline="always"``: after inlining one, Numba's dead-code clean-up takes
an array a helper hands back (``v = same(h)``) for a new one, and drops a write into it that
nothing reads by that name (``v[i] = ...``), though ``h`` is read later.
"""

from .batching import *  # noqa: F401,F403
from .core import *  # noqa: F401,F403
from .covariance import *  # noqa: F401,F403
from .creation import *  # noqa: F401,F403
from .decompositions import *  # noqa: F401,F403
from .destinations import *  # noqa: F401,F403
from .elementwise import *  # noqa: F401,F403
from .fastmath import *  # noqa: F401,F403
from .integrals import *  # noqa: F401,F403
from .jacobians import *  # noqa: F401,F403
from .linalg import *  # noqa: F401,F403
from .lists import *  # noqa: F401,F403
from .norms import *  # noqa: F401,F403
from .piecewise import *  # noqa: F401,F403
from .products import *  # noqa: F401,F403
from .reductions import *  # noqa: F401,F403
from .reorder import *  # noqa: F401,F403
from .scalars import *  # noqa: F401,F403
from .shapes import *  # noqa: F401,F403
from .shares import *  # noqa: F401,F403
from .special import *  # noqa: F401,F403
from .statistics import *  # noqa: F401,F403
from .sums import *  # noqa: F401,F403
