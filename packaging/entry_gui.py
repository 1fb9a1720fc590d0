"""Frozen entry point of the desktop app."""

import sys

from trustnxt_desktop.app import main

sys.exit(main())
