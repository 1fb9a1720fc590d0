#!/usr/bin/env bash
# macOS: build "TrustNXT Desktop.app" (PyInstaller BUNDLE with document types, so files can be dropped
# on the Dock icon) and a drag-to-Applications .dmg. Signing and notarisation run only when the
# secrets are present (see .github/workflows/build.yml); without them the dmg is unsigned.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
mkdir -p build/icons
packaging/build-bundle.sh
iconutil -c icns build/icons/trustnxt-desktop.iconset -o build/icons/trustnxt-desktop.icns
# Rebuild now that the .icns exists, so the bundle carries it.
build/venv/bin/python -m PyInstaller --noconfirm --log-level WARN --distpath dist --workpath build/pyinstaller \
  packaging/trustnxt-desktop.spec
APP="dist/TrustNXT Desktop.app"
VERSION="$(build/venv/bin/python -c 'import trustnxt_desktop; print(trustnxt_desktop.__version__)')"
if [ -n "${MACOS_SIGNING_IDENTITY:-}" ]; then
  codesign --deep --force --options runtime --timestamp --sign "$MACOS_SIGNING_IDENTITY" "$APP"
fi
STAGE="build/dmg"
rm -rf "$STAGE" && mkdir -p "$STAGE"
cp -R "$APP" "$STAGE/"
ln -s /Applications "$STAGE/Applications"
DMG="dist/TrustNXT-Desktop-$VERSION.dmg"
hdiutil create -volname "TrustNXT Desktop" -srcfolder "$STAGE" -ov -format UDZO "$DMG"
if [ -n "${MACOS_SIGNING_IDENTITY:-}" ] && [ -n "${APPLE_ID:-}" ]; then
  codesign --force --sign "$MACOS_SIGNING_IDENTITY" "$DMG"
  xcrun notarytool submit "$DMG" --apple-id "$APPLE_ID" --team-id "$APPLE_TEAM_ID" \
    --password "$APPLE_APP_PASSWORD" --wait
  xcrun stapler staple "$DMG"
fi
echo "$DMG"
