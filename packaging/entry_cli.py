"""Frozen entry point of the `trustnxt` command."""

import multiprocessing
import sys

# Before anything else: a frozen copy of this program is also started as the parser workers' fork
# server (runtime/isolation.py); freeze_support() turns such a start into that helper and exits.
multiprocessing.freeze_support()

from trustnxt_desktop.cli import main  # noqa: E402

sys.exit(main())
