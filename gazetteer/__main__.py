"""``python -m gazetteer``: the same as the ``gazetteer`` command."""

import sys

from gazetteer.cli import main

sys.exit(main())
