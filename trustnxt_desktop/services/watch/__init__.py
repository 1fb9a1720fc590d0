"""Watch folders and camera-card import: files that arrive are protected by the one job system.

`folders.py` (what a watch folder is and how it is stored in the settings), `complete.py` (when a new
file is complete: size stable, no process writing it), `service.py` (`WatchService`: file-system events
and rescans turned into durable jobs of origin "watch"), `card.py` (mounted camera cards and their
import into a dated folder).
"""
