#!/usr/bin/env bash
# The Debian package (issue 17 section 1), end to end: cpack builds it from this build tree into
# a temporary folder; dpkg-deb checks its control fields and contents; it is unpacked into a
# temporary prefix (dpkg-deb -x) and the installed programs run from there with a clean
# environment, loading nothing from the build or source tree; the desktop file, AppStream
# metadata, MIME type, icons and man pages are validated with the distribution's own tools.
# Usage: package_test.sh BUILD_DIR SOURCE_DIR VERSION
set -euo pipefail
BUILD=$(realpath "$1")
SOURCE=$(realpath "$2")
VERSION=$3

fail() { echo "FAIL: $*" >&2; exit 1; }
step_start=$(date +%s.%N)
step() {  # prints how long the previous step took
  local now
  now=$(date +%s.%N)
  awk -v a="$step_start" -v b="$now" -v s="$*" 'BEGIN { printf "  (%.1f s)\n== %s\n", b - a, s }'
  step_start=$now
}
for tool in cpack dpkg-deb readelf desktop-file-validate appstreamcli update-mime-database groff \
            man awk; do
  command -v "$tool" >/dev/null || fail "$tool not found (scripts/setup-deps installs it)"
done

T=$(mktemp -d /tmp/autofocus-package-test.XXXXXX)
trap 'rm -rf "$T"' EXIT

step "cpack -G DEB"
cpack -G DEB --config "$BUILD/CPackConfig.cmake" -B "$T/out" >"$T/cpack.log" 2>&1 ||
  { cat "$T/cpack.log"; fail "cpack failed"; }
DEB="$T/out/autofocus-studio_${VERSION}_amd64.deb"
[ -f "$DEB" ] || { ls "$T/out"; fail "no $(basename "$DEB")"; }
echo "$(basename "$DEB"): $(du -h "$DEB" | cut -f1)"

step "dpkg-deb -I: control fields"
dpkg-deb -I "$DEB" >"$T/info"
field() { sed -n "s/^ $1: //p" "$T/info"; }
[ "$(field Package)" = autofocus-studio ] || fail "Package: $(field Package)"
[ "$(field Version)" = "$VERSION" ] || fail "Version: $(field Version)"
[ "$(field Architecture)" = amd64 ] || fail "Architecture: $(field Architecture)"
DEPENDS=$(field Depends)
echo "Depends: $DEPENDS"
[ -n "$DEPENDS" ] || fail "Depends is empty (dpkg-shlibdeps)"
for lib in libc6 libstdc++6 libqt6core6 libqt6widgets6 libopencv-core libhdf5 libcurl4 libtorch; do
  grep -q "$lib" <<<"$DEPENDS" || fail "Depends lacks $lib"
done

step "dpkg-deb -c: contents"
dpkg-deb -c "$DEB" | awk '{print $6}' | sed 's|^\./|/|' >"$T/contents"
grep -v -e '^/usr/' -e '^/$' "$T/contents" && fail "files outside /usr"
for f in bin/autofocus bin/autofocus-studio bin/autofocus-train bin/autofocus-evaluate \
         bin/autofocus-attention lib/autofocus/autofocus_imageio_plugin.so \
         lib/autofocus/autofocus_torchscript_plugin.so lib/autofocus/autofocus_mp4_plugin.so \
         share/autofocus-studio/prompts/key_objects_driving.txt \
         share/autofocus-studio/translations/autofocus_studio_zh_CN.qm \
         share/applications/autofocus-studio.desktop \
         share/metainfo/io.github.autofocus.Studio.metainfo.xml \
         share/mime/packages/autofocus-studio.xml \
         share/icons/hicolor/scalable/apps/autofocus-studio.svg \
         share/doc/autofocus-studio/README.md share/doc/autofocus-studio/docs/pipeline.md \
         share/man/man1/autofocus.1; do
  grep -qx "/usr/$f" "$T/contents" || fail "package lacks /usr/$f"
done
for n in 16 22 24 32 48 64 128 256; do
  grep -qx "/usr/share/icons/hicolor/${n}x${n}/apps/autofocus-studio.png" "$T/contents" ||
    fail "no ${n}x${n} icon"
done

step "dpkg-deb -x into a temporary prefix"
R="$T/root"
dpkg-deb -x "$DEB" "$R"
U="$R/usr"
# Every ELF file: stripped, and no RPATH/RUNPATH into the build or source tree.
elf_files=0
while IFS= read -r -d '' f; do
  [ "$(head -c 4 "$f" | od -An -c | tr -d ' ')" = '177ELF' ] || continue
  # (Output captured first: `grep -q` on a pipe could kill the writer, failing under pipefail.)
  runpath=$(readelf -d "$f" | grep -E 'R(UN)?PATH' || true)
  if grep -q -e "$BUILD" -e "$SOURCE" <<<"$runpath"; then
    fail "$f has a RUNPATH into the build tree: $runpath"
  fi
  sections=$(readelf -S "$f")
  grep -q '\.debug_info' <<<"$sections" && fail "$f is not stripped"
  elf_files=$((elf_files + 1))
done < <(find "$U/bin" "$U/lib" -type f -print0)
[ "$elf_files" -eq 8 ] || fail "$elf_files ELF files (5 programs and 3 plugins expected)"

# The installed programs run with a clean environment: no AUTOFOCUS_* variable, no build-tree
# PATH or LD_LIBRARY_PATH, a private HOME (QSettings) and runtime dir.
mkdir -p "$T/home" "$T/xdg"
chmod 700 "$T/xdg"
run() {
  env -i PATH=/usr/bin:/bin HOME="$T/home" XDG_RUNTIME_DIR="$T/xdg" LANG=C.UTF-8 \
    QT_QPA_PLATFORM=offscreen "$@"
}
# Same, under LD_DEBUG=files: every file the dynamic loader opened (libraries and dlopen'd
# plugins) goes to $T/ld.<pid>; none may come from the build or source tree.
run_traced() {
  rm -f "$T"/ld.*
  run LD_DEBUG=files LD_DEBUG_OUTPUT="$T/ld" "$@"
  if cat "$T"/ld.* | grep 'file=' | grep -e "$BUILD" -e "$SOURCE"; then
    fail "$* loaded files from the build tree"
  fi
}

step "autofocus --version (installed)"
run_traced "$U/bin/autofocus" --version | tee "$T/version"
grep -qx "autofocus $VERSION (git .*)" "$T/version" || fail "first line: $(head -1 "$T/version")"
for name in Qt OpenCV LibTorch HDF5 libcurl; do
  grep -q "^$name: [^ ]" "$T/version" || fail "--version has no $name line"
done
grep -qx "plugins: $U/lib/autofocus" "$T/version" || fail "plugins not found relative to the exe"
grep -qx "resources: $U/share/autofocus-studio" "$T/version" ||
  fail "resources not found relative to the exe"

step "autofocus demo --episodes 1 --frames 20 (installed)"
run_traced "$U/bin/autofocus" demo --out "$T/project" --episodes 1 --frames 20 --progress none \
  >"$T/demo.log" 2>&1 || { cat "$T/demo.log"; fail "demo failed"; }
tail -3 "$T/demo.log"
grep -q "file=$U/lib/autofocus/autofocus_imageio_plugin.so" "$T"/ld.* ||
  fail "demo did not load the installed image-I/O plugin"
run "$U/bin/autofocus" validate "$T/project" >"$T/validate.log" 2>&1 ||
  { cat "$T/validate.log"; fail "validate failed"; }

step "autofocus train --help (execs the installed autofocus-train)"
run_traced "$U/bin/autofocus" train --help >"$T/train-help" 2>&1 ||
  { cat "$T/train-help"; fail "autofocus train --help failed"; }
grep -q "autofocus train" "$T/train-help" || fail "train --help: $(head -3 "$T/train-help")"
grep -q "file=.*libtorch" "$T"/ld.* || fail "autofocus-train did not run"

step "autofocus-studio --version, and opening project.json (installed, offscreen)"
run_traced "$U/bin/autofocus-studio" --version | tee "$T/studio-version"
grep -qx "AutoFocus Studio $VERSION (git .*)" "$T/studio-version" || fail "studio --version"
grep -q "^Qt: 6\." "$T/studio-version" || fail "studio --version: no Qt version"
# --screenshot exits 1 for the compare pictures (they need two trained runs) but writes the main
# window first; it refuses a project it cannot open.
run "$U/bin/autofocus-studio" "$T/project/project.json" --frame auto --screenshot "$T/shots" \
  >"$T/studio.log" 2>&1 || true
grep "cannot open project" "$T/studio.log" && fail "the studio cannot open project.json"
[ -s "$T/shots/studio-main.png" ] || { cat "$T/studio.log"; fail "no studio screenshot"; }

step "translations: the installed .qm files are the ones loaded"
run AUTOFOCUS_STUDIO_LANG=zh_CN "$U/bin/autofocus-studio" --help >"$T/help-zh" 2>&1 || true
grep -q "要打开的项目目录" "$T/help-zh" || fail "no Chinese --help: $(cat "$T/help-zh")"
# The installed file wins over the embedded copy: with the English file in its place, English.
cp "$U/share/autofocus-studio/translations/autofocus_studio_en.qm" \
  "$U/share/autofocus-studio/translations/autofocus_studio_zh_CN.qm"
run AUTOFOCUS_STUDIO_LANG=zh_CN "$U/bin/autofocus-studio" --help >"$T/help-en" 2>&1 || true
grep -q "Project directory to open" "$T/help-en" || fail "the installed .qm is not used"

step "desktop file, AppStream metadata, MIME type"
desktop-file-validate "$U/share/applications/autofocus-studio.desktop"
grep -qx 'MimeType=application/x-autofocus-project;' "$U/share/applications/autofocus-studio.desktop" ||
  fail "the desktop file does not open application/x-autofocus-project"
appstreamcli validate --no-net "$U/share/metainfo/io.github.autofocus.Studio.metainfo.xml"
grep -q "<release version=\"$VERSION\"" "$U/share/metainfo/io.github.autofocus.Studio.metainfo.xml" ||
  fail "the metainfo has no <release> for $VERSION"
grep -q '<image type="source">https://' "$U/share/metainfo/io.github.autofocus.Studio.metainfo.xml" ||
  fail "no screenshots"
update-mime-database "$U/share/mime" >"$T/mime.log" 2>&1 || { cat "$T/mime.log"; fail "update-mime-database failed"; }
grep -qx '60:application/x-autofocus-project:project.json.*' "$U/share/mime/globs2" ||
  fail "project.json is not application/x-autofocus-project: $(grep autofocus "$U/share/mime/globs2")"

step "man pages: one per command, each renders without warnings"
pages=(autofocus)
# Every subcommand --help lists, and the subcommands of those that have some.
for sub in $(run "$U/bin/autofocus" --help | sed -n '/^Subcommands:/,$p' | awk 'NR > 1 {print $1}'); do
  pages+=("autofocus-$sub")
done
pages+=(autofocus-sim-generate autofocus-import-folder autofocus-cluster-submit autofocus-evaluate)
for page in "${pages[@]}"; do
  f="$U/share/man/man1/$page.1"
  [ -s "$f" ] || fail "no man page $page.1"
  if ! grep -q '^\.so ' "$f"; then
    grep -q '^\.TH "AUTOFOCUS.*" "1" ' "$f" || fail "$page.1: no .TH line"
    grep -q '^\.SH SYNOPSIS' "$f" || fail "$page.1: no SYNOPSIS"
  fi
  warnings=$(cd "$U/share/man" && groff -s -man -Tutf8 -ww -z "man1/$page.1" 2>&1 || true)
  [ -z "$warnings" ] || fail "$page.1: groff: $warnings"
done
rendered=$(MANWIDTH=80 man -l "$U/share/man/man1/autofocus-demo.1" 2>/dev/null)
grep -q -- '--episodes' <<<"$rendered" || fail "man -l autofocus-demo.1 does not show --episodes"
echo "${#pages[@]} man pages checked ($(ls "$U/share/man/man1" | wc -l) installed)"
step "done"
