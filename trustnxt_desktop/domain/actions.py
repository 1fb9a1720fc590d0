"""C2PA action names this program writes into manifests (C2PA 2.1, "Actions": the standard action list)."""

from __future__ import annotations

CREATED = "c2pa.created"  # a new asset, no parent
OPENED = "c2pa.opened"  # an existing asset opened: its parent ingredient
RESIZED = "c2pa.resized"  # pixel dimensions changed
TRANSCODED = "c2pa.transcoded"  # re-encoded into another format or quality
EDITED_METADATA = "c2pa.edited.metadata"  # only the asset's metadata changed (captions, location removed)
# Not on the standard list (a custom action, C2PA 2.1 "Actions": reverse-domain names): Content Credentials found by
# the picture's fingerprint in a manifest repository attached to a copy as a componentOf ingredient. Never
# "embedded originally": the received file's own state is the parentOf ingredient, opened.
REASSOCIATED = "com.trustnxt.reassociated"
