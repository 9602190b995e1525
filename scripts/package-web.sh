#!/usr/bin/env bash
# Builds fengqiao-web, the Debian package of the browser version, for systems whose
# WebKitGTK the desktop app cannot use (银河麒麟 V10, older 统信 UOS), and checks it:
#   - /usr/bin/fengqiao, the command-line tool, whose `fengqiao serve` serves the desk;
#   - /usr/share/fengqiao/ui/, the built desk UI it serves (ui/dist);
#   - /usr/share/fengqiao/fonts/, the documents' fonts, which the tool finds there;
#   - a menu entry (枫桥警务台账（浏览器版）) that runs `fengqiao serve` in a terminal
#     window, whose link it opens in the system's browser; closing the window stops it;
#   - depends only on the C library, libgcc and OpenSSL (libssl3), as dpkg-shlibdeps reads
#     the tool; no WebKit, no GTK;
#   - no path of this checkout or of the target directory in any file.
#
#   scripts/package-web.sh [--debug]
#
# Writes $CARGO_TARGET_DIR/{release,debug}/bundle/deb/fengqiao-web_VERSION_amd64.deb and prints
# its path last. --debug packages the debug tool `cargo test` has built and the UI already in
# ui/dist (CI's desk package step has just built it); the release package builds both.
# It conflicts with fengqiao-desk, which ships /usr/bin/fengqiao too.
set -euo pipefail
cd "$(dirname "$0")/.."

profile=release
if [ "${1:-}" = "--debug" ]; then profile=debug; fi
# shellcheck source=scripts/package-common.sh
. scripts/package-common.sh
build_cli
if [ "$profile" = release ] || [ ! -f ui/dist/index.html ]; then
  npm --prefix ui run build
fi
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n1)

stage=$out/package-web-stage
rm -rf "$stage"
mkdir -p "$stage/DEBIAN" "$stage/usr/bin" "$stage/usr/share/fengqiao/fonts" \
  "$stage/usr/share/applications" "$stage/usr/share/icons/hicolor/128x128/apps"
cp "$cli" "$stage/usr/bin/fengqiao"
strip --strip-debug "$stage/usr/bin/fengqiao"
cp -r ui/dist "$stage/usr/share/fengqiao/ui"
cp assets/fonts/NotoSerifSC-Regular.ttf assets/fonts/NotoSerifSC-Bold.ttf assets/fonts/OFL.txt \
  "$stage/usr/share/fengqiao/fonts/"
cp src-tauri/icons/128x128.png "$stage/usr/share/icons/hicolor/128x128/apps/fengqiao-web.png"
cat >"$stage/usr/share/applications/fengqiao-web.desktop" <<'EOF'
[Desktop Entry]
Type=Application
Name=枫桥警务台账（浏览器版）
Comment=在浏览器中使用警务室台账（本机 127.0.0.1）；关闭本窗口即停止
Exec=fengqiao serve
Icon=fengqiao-web
Terminal=true
Categories=Office;
EOF

# The dependencies of what the tool links, as dpkg-shlibdeps reads them (it wants a
# debian/control to read; an empty one in a scratch directory).
shlib=$(mktemp -d)
trap 'rm -rf "$shlib"' EXIT
mkdir -p "$shlib/debian"
printf 'Source: fengqiao-web\n\nPackage: fengqiao-web\nArchitecture: any\n' >"$shlib/debian/control"
depends=$(cd "$shlib" && dpkg-shlibdeps -O "$stage/usr/bin/fengqiao" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
for d in ${depends//,/ }; do
  case "$d" in
    libc6 | libgcc-s1 | libssl3 | libssl3t64 | \(* | *\)) ;;
    *) echo "fengqiao-web 依赖了 libc、libgcc、libssl 以外的库：$depends" >&2; exit 1 ;;
  esac
done

installed=$(du -sk "$stage/usr" | cut -f1)
cat >"$stage/DEBIAN/control" <<EOF
Package: fengqiao-web
Version: $version
Architecture: $(dpkg --print-architecture)
Maintainer: Fengqiao Desk <fengqiao-desk@localhost>
Installed-Size: $installed
Depends: $depends
Conflicts: fengqiao-desk
Section: misc
Priority: optional
Description: 枫桥警务台账（浏览器版）
 The village police post's ledger in the system's browser, for systems without
 WebKitGTK 4.1: fengqiao serve listens on 127.0.0.1 only and opens the browser on
 a link with a one-time token.
EOF

mkdir -p "$out/bundle/deb"
deb=$out/bundle/deb/fengqiao-web_${version}_$(dpkg --print-architecture).deb
rm -f "$deb"
dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb" >/dev/null

contents=$(dpkg-deb -c "$deb" | awk '{print $NF}' | sed 's|^\./||')
for f in usr/bin/fengqiao usr/share/fengqiao/ui/index.html usr/share/fengqiao/fonts/NotoSerifSC-Regular.ttf \
  usr/share/fengqiao/fonts/NotoSerifSC-Bold.ttf usr/share/applications/fengqiao-web.desktop; do
  if ! grep -qxF "$f" <<<"$contents"; then
    echo "软件包 $deb 中缺少 /$f" >&2
    exit 1
  fi
done
check_no_build_paths "$stage"
echo "$deb: $(du -k "$deb" | cut -f1) KB, ${installed} KB installed; Depends: $depends; no path of $PWD or $target_dir in it"
echo "$deb"
