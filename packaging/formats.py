"""The file types the desktop app opens, in one list for every installer (Linux .desktop MimeType,
macOS CFBundleDocumentTypes, Windows file associations)."""

from __future__ import annotations

# (media type, extensions, description)
FORMATS: list[tuple[str, tuple[str, ...], str]] = [
    ("image/jpeg", ("jpg", "jpeg"), "JPEG image"),
    ("image/png", ("png",), "PNG image"),
    ("image/webp", ("webp",), "WebP image"),
    ("image/tiff", ("tif", "tiff"), "TIFF image"),
    ("image/gif", ("gif",), "GIF image"),
    ("image/avif", ("avif",), "AVIF image"),
    ("image/heic", ("heic",), "HEIC image"),
    ("image/heif", ("heif",), "HEIF image"),
    ("image/jxl", ("jxl",), "JPEG XL image"),
    ("image/x-adobe-dng", ("dng",), "DNG raw image"),
    ("image/svg+xml", ("svg",), "SVG image"),
    ("audio/wav", ("wav",), "WAV audio"),
    ("audio/mpeg", ("mp3",), "MP3 audio"),
    ("audio/mp4", ("m4a",), "M4A audio"),
    ("audio/flac", ("flac",), "FLAC audio"),
    ("video/mp4", ("mp4",), "MP4 video"),
    ("video/quicktime", ("mov",), "QuickTime video"),
    ("video/x-msvideo", ("avi",), "AVI video"),
    ("application/pdf", ("pdf",), "PDF document"),
]


def mime_types() -> str:
    return ";".join(m for m, _, _ in FORMATS) + ";"


def document_types() -> list[dict[str, object]]:
    """macOS: the app may open these (drop on the Dock icon, Open With); it never claims to own them."""
    return [{"CFBundleTypeName": desc, "CFBundleTypeRole": "Viewer", "LSHandlerRank": "Alternate",
             "CFBundleTypeExtensions": list(exts), "CFBundleTypeMIMETypes": [mime]}
            for mime, exts, desc in FORMATS]


def windows_extensions() -> list[str]:
    return [e for _, exts, _ in FORMATS for e in exts]


if __name__ == "__main__":
    import sys

    what = sys.argv[1] if len(sys.argv) > 1 else "mime"
    print(mime_types() if what == "mime" else " ".join(windows_extensions()))
