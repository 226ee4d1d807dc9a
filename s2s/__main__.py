"""``python -m s2s``: the s2s command line (see :mod:`s2s.cli`)."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
