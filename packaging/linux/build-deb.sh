#!/usr/bin/env bash
# Build dist/trustnxt-desktop_<version>_<arch>.deb from the PyInstaller bundle.
# Installs under /opt/trustnxt-desktop, puts trustnxt-desktop and trustnxt on PATH, registers the
# menu entry, icons and "Open with" MIME types. Usage: packaging/linux/build-deb.sh [--skip-bundle]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
[ "${1:-}" = "--skip-bundle" ] && [ -x dist/trustnxt-desktop/trustnxt-desktop ] || packaging/build-bundle.sh
PY="${TRUSTNXT_BUILD_VENV:-$ROOT/build/venv}/bin/python"
VERSION="$("$PY" -c 'import trustnxt_desktop; print(trustnxt_desktop.__version__)')"
ARCH="$(dpkg --print-architecture)"
NAME="trustnxt-desktop_${VERSION}_${ARCH}"
STAGE="$ROOT/build/deb/$NAME"
rm -rf "$STAGE"
mkdir -p "$STAGE/DEBIAN" "$STAGE/opt" "$STAGE/usr/bin" "$STAGE/usr/share/applications" "$STAGE/usr/share/doc/trustnxt-desktop"
cp -a dist/trustnxt-desktop "$STAGE/opt/trustnxt-desktop"
ln -s /opt/trustnxt-desktop/trustnxt-desktop "$STAGE/usr/bin/trustnxt-desktop"
ln -s /opt/trustnxt-desktop/trustnxt "$STAGE/usr/bin/trustnxt"
"$PY" packaging/formats.py desktop resources/trustnxt-desktop.desktop.in \
  > "$STAGE/usr/share/applications/trustnxt-desktop.desktop"  # MimeType: every format the engine inspects
for size in 16 24 32 48 64 128 256 512; do
  install -D -m 644 "build/icons/trustnxt-desktop-$size.png" \
    "$STAGE/usr/share/icons/hicolor/${size}x${size}/apps/trustnxt-desktop.png"
done
cat > "$STAGE/usr/share/doc/trustnxt-desktop/copyright" <<'TXT'
TrustNXT Desktop. Bundles Qt (LGPLv3, via PySide6), c2pa-rs (MIT/Apache-2.0), Pillow (MIT-CMU),
libheif via pillow-heif (LGPLv3), cryptography (Apache-2.0/BSD), and the Python runtime (PSF).
Also: exiv2 via pyexiv2 (GPLv3; exiv2 itself GPL-2.0-or-later), pyHanko and pyhanko-certvalidator (MIT),
asn1crypto (MIT), iscc-core (Apache-2.0), pdqhash with Meta's PDQ code (MIT/BSD), numpy and scipy (BSD),
reverse-geocode (LGPL) with GeoNames' place data (CC BY 4.0, https://www.geonames.org), encypher-c2pa
(Apache-2.0), watchdog (Apache-2.0). ExifTool (Artistic/GPL) is not bundled: the package depends on
Debian's libimage-exiftool-perl.
TXT
INSTALLED_KB="$(du -sk "$STAGE/opt" | cut -f1)"
# Qt's system libraries, from the one table the setup scripts and the launcher use too.
DEPENDS="$("$PY" trustnxt_desktop/linux_runtime.py depends)"
cat > "$STAGE/DEBIAN/control" <<TXT
Package: trustnxt-desktop
Version: $VERSION
Architecture: $ARCH
Maintainer: TrustNXT Desktop <desktop@trustnxt.com>
Installed-Size: $INSTALLED_KB
Section: graphics
Priority: optional
Depends: $DEPENDS
Recommends: gnome-keyring | kwalletmanager, dbus
Homepage: https://www.trustnxt.com
Description: protect and inspect media with Content Credentials (C2PA)
 Photographers give their photos, audio and video a signed Trust Label; journalists check
 the media they receive: is it intact, who signed it, when, with which device, was it edited
 or AI-generated. Works offline with a local signing identity, or with the TrustNXT APIs.
TXT
cat > "$STAGE/DEBIAN/postinst" <<'TXT'
#!/bin/sh
set -e
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q /usr/share/applications || true
command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q -t /usr/share/icons/hicolor || true
exit 0
TXT
cp "$STAGE/DEBIAN/postinst" "$STAGE/DEBIAN/postrm"
chmod 755 "$STAGE/DEBIAN/postinst" "$STAGE/DEBIAN/postrm"
dpkg-deb --build --root-owner-group "$STAGE" "dist/$NAME.deb" >/dev/null
echo "dist/$NAME.deb"
