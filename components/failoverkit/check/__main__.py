"""``python -m failoverkit.check``: the same as ``failoverkit check``."""

import sys

from failoverkit.check import main

sys.exit(main())
