"""Errors raised inside generated code, annotated with the user's line they came from."""

from __future__ import annotations

import re
import traceback

from ..compile import Generated

_NUMBA_LOCATION = re.compile(r'File "([^"]+)", line (\d+)')


def annotate(exc: BaseException, generated: Generated) -> BaseException:
    """Add a note to ``exc`` naming the user's source of each generated line it passed."""
    path = str(generated.path)
    lines = []
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename == path and frame.lineno is not None:
            lines.append(frame.lineno)
    for filename, lineno in _NUMBA_LOCATION.findall(str(exc)):  # Numba's typing errors
        if filename.endswith(generated.path.name):
            lines.append(int(lineno))
    seen = set()
    for lineno in lines:
        location = generated.lines.get(lineno)
        if location is None or lineno in seen:
            continue
        seen.add(lineno)
        exc.add_note(f"(s2s) line {lineno} of the generated code comes from:\n{location.render()}")
    return exc
