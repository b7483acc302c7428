"""``python -m runs``: see `runs.cli`."""

import sys

from runs.cli import main

sys.exit(main())
