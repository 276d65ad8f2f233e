"""``python -m geomap``: the same as the ``geomap`` command."""

import sys

from geomap.cli import main

sys.exit(main())
