"""Frozen entry point of the `trustnxt` command."""

import sys

from trustnxt_desktop.cli import main

sys.exit(main())
