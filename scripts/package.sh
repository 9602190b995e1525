#!/usr/bin/env bash
# Builds the Debian package of Fengqiao Desk and checks what it holds:
#   - /usr/bin/fengqiao-desk, the desktop app with the UI inside;
#   - /usr/bin/fengqiao, the command-line tool (for IT staff's scripts: backups, exports);
#   - /usr/lib/fengqiao-desk/fonts/, the documents' fonts, the app's resources
#     (bundle.resources in src-tauri/tauri.conf.json), which both programs find there;
#   - no path of this checkout or of the target directory in any file: debug info is
#     stripped from both programs (src-tauri/tauri.linux.conf.json strips the app before
#     bundling, this script a copy of the tool), and no build path is compiled in.
#
#   scripts/package.sh [--debug]
#
# Writes $CARGO_TARGET_DIR/{release,debug}/bundle/deb/fengqiao-desk_VERSION_amd64.deb and prints
# its path last. --debug packages a debug build: CI makes and installs it for the end-to-end
# walk (scripts/e2e.sh --installed). It uses the command-line tool `cargo test` has built
# when there is one (a `cargo build` here would compile a second dependency tree, see
# scripts/test.sh); the release package builds its own.
set -euo pipefail
cd "$(dirname "$0")/.."

profile=release
flags=()
if [ "${1:-}" = "--debug" ]; then
  profile=debug
  flags=(--debug)
fi
# shellcheck source=scripts/package-common.sh
. scripts/package-common.sh
build_cli
stage=$out/package-stage
mkdir -p "$stage"
cp "$cli" "$stage/fengqiao"
strip --strip-debug "$stage/fengqiao"

# The tool's place in the package depends on where this machine builds, so it is given here
# (merged into the configuration) rather than in tauri.linux.conf.json.
files=$(printf '{"bundle":{"linux":{"deb":{"files":{"/usr/bin/fengqiao":"%s"}}}}}' "$stage/fengqiao")
rm -f "$out"/bundle/deb/*.deb
ui/node_modules/.bin/tauri build "${flags[@]}" --bundles deb --config "$files"
deb=$(ls "$out"/bundle/deb/*.deb)

contents=$(dpkg-deb -c "$deb" | awk '{print $NF}' | sed 's|^\./||')
for f in usr/bin/fengqiao-desk usr/bin/fengqiao \
  usr/lib/fengqiao-desk/fonts/NotoSerifSC-Regular.ttf usr/lib/fengqiao-desk/fonts/NotoSerifSC-Bold.ttf \
  usr/lib/fengqiao-desk/fonts/OFL.txt; do
  if ! grep -qxF "$f" <<<"$contents"; then
    echo "软件包 $deb 中缺少 /$f" >&2
    exit 1
  fi
done

unpacked=$(mktemp -d)
trap 'rm -rf "$unpacked"' EXIT
dpkg-deb -x "$deb" "$unpacked"
check_no_build_paths "$unpacked"
echo "$deb: $(du -k "$deb" | cut -f1) KB, $(du -sk "$unpacked" | cut -f1) KB installed; no path of $PWD or $target_dir in it"
echo "$deb"
