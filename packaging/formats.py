"""The file types the installed app offers to open, for every installer: the Linux .desktop MimeType,
macOS CFBundleDocumentTypes and the Windows "Open with" entries. They are the formats the engine can
inspect, from its supported-format table (trustnxt_desktop/engine/formats.py), which is built from
c2pa's own lists: a format the pinned c2pa adds appears in every installer with no edit here.

    python packaging/formats.py desktop resources/trustnxt-desktop.desktop.in   # the .desktop file
    python packaging/formats.py iss                   # Inno Setup registry lines (build/file-associations.iss)
    python packaging/formats.py mime | extensions     # the lists themselves
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the checkout's package, as the bundle has it

from trustnxt_desktop.engine.formats import Format, supported_formats  # noqa: E402


def opened_formats() -> list[Format]:
    """Every format the app can inspect (protecting needs a subset: it is offered inside the app)."""
    return [f for f in supported_formats() if f.readable]


def mime_types() -> str:
    return ";".join(f.media_type for f in opened_formats()) + ";"


def desktop_entry(template: str) -> str:
    """The .desktop file from its template: @MIME_TYPES@ replaced by the list."""
    return template.replace("@MIME_TYPES@", mime_types())


def document_types() -> list[dict[str, object]]:
    """macOS: the app may open these (drop on the Dock icon, Open With); it never claims to own them."""
    return [{"CFBundleTypeName": f.description, "CFBundleTypeRole": "Viewer", "LSHandlerRank": "Alternate",
             "CFBundleTypeExtensions": list(f.extensions), "CFBundleTypeMIMETypes": [f.media_type]}
            for f in opened_formats()]


def windows_extensions() -> list[str]:
    return [e for f in opened_formats() for e in f.extensions]


def inno_registry() -> str:
    """One OpenWithProgids value per extension, for trustnxt-desktop.iss to #include."""
    return "".join(f'Root: HKA; Subkey: "Software\\Classes\\.{e}\\OpenWithProgids"; ValueType: string; '
                   f'ValueName: "TrustNXT.Media"; ValueData: ""; Flags: uninsdeletevalue\n'
                   for e in windows_extensions())


if __name__ == "__main__":
    what = sys.argv[1] if len(sys.argv) > 1 else "mime"
    if what == "desktop":
        sys.stdout.write(desktop_entry(Path(sys.argv[2]).read_text("utf-8")))
    elif what == "iss":
        sys.stdout.write(inno_registry())
    elif what == "extensions":
        print(" ".join(windows_extensions()))
    else:
        print(mime_types())
