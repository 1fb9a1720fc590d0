"""Frozen entry point of the desktop app."""

import multiprocessing
import sys

# Before Qt or anything else: a frozen copy of this program is also started as the parser workers'
# fork server or spawned worker (runtime/isolation.py); freeze_support() diverts such a start.
multiprocessing.freeze_support()

from trustnxt_desktop.app import main  # noqa: E402

sys.exit(main())
