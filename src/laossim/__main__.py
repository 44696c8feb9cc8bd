"""``python -m laossim``: the same as the ``laossim`` command."""

import sys

from laossim.cli import main

sys.exit(main())
