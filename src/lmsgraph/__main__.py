"""``python -m lmsgraph``: the same as the ``lmsgraph`` command."""

import sys

from lmsgraph.cli import main

sys.exit(main())
