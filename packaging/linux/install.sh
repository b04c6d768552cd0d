#!/usr/bin/env bash
# Install Deep Learning Made Simple from this unpacked archive.
#
#   ./install.sh           as a user: into ~/.local   as root: into /opt, linked from /usr/local/bin
#   ./install.sh --user    into ~/.local, even as root
#   ./install.sh --system  into /opt (needs root)
#
# User install:   ~/.local/lib/deep-learning-made-simple/   the program
#                 ~/.local/bin/deep-learning-made-simple    a link to it
#                 ~/.local/share/applications, icons/hicolor, metainfo   the menu entry and icon
# System install: /opt/deep-learning-made-simple/, /usr/local/bin/deep-learning-made-simple,
#                 /usr/local/share/applications, icons/hicolor, metainfo
#
# DESTDIR=/some/dir ./install.sh --system stages the system layout below /some/dir (for
# building a distribution package); the link then points to the final /opt path.
# Everything placed outside the program's folder is listed in its .install-manifest, which
# uninstall.sh (also copied there) reads.
set -euo pipefail

NAME=deep-learning-made-simple
APPSTREAM_ID=io.github.deep_learning_made_simple
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

die() { echo "install.sh: $*" >&2; exit 1; }

usage() { sed -n '2,18s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; }

mode=auto
for arg in "$@"; do
    case "$arg" in
        --user) mode=user ;;
        --system) mode=system ;;
        -h|--help) usage; exit 0 ;;
        *) die "unknown option '$arg' (try --help)" ;;
    esac
done
if [ "$mode" = auto ]; then
    if [ "$(id -u)" -eq 0 ]; then mode=system; else mode=user; fi
fi

DESTDIR=${DESTDIR:-}
if [ "$mode" = user ]; then
    [ -n "${HOME:-}" ] || die "HOME is not set"
    appdir="$HOME/.local/lib/$NAME"
    bindir="$HOME/.local/bin"
    datadir="${XDG_DATA_HOME:-$HOME/.local/share}"
    DESTDIR=""  # a user install is always the real thing
else
    if [ -z "$DESTDIR" ] && [ "$(id -u)" -ne 0 ]; then
        die "--system needs root: run 'sudo ./install.sh', or './install.sh' for your account only"
    fi
    appdir="/opt/$NAME"
    bindir=/usr/local/bin
    datadir=/usr/local/share
fi

[ -x "$HERE/$NAME/$NAME" ] || die "$HERE/$NAME/$NAME is missing: run install.sh from the unpacked archive"

# --- the program ----------------------------------------------------------------------
target="$DESTDIR$appdir"
mkdir -p "$(dirname "$target")"
staging="$target.installing.$$"
rm -rf "$staging"
trap 'rm -rf "$staging"' EXIT
cp -a "$HERE/$NAME" "$staging"
cp "$HERE/uninstall.sh" "$staging/uninstall.sh"
chmod 755 "$staging/uninstall.sh"
if [ -e "$target" ]; then
    [ -x "$target/$NAME" ] || die "$target exists and is not an earlier install; move it away first"
    echo "Replacing the earlier install in $appdir"
    rm -rf "$target"
fi
mv "$staging" "$target"
trap - EXIT
manifest="$target/.install-manifest"
: >"$manifest"

record() { printf '%s\n' "$1" >>"$manifest"; }  # a path outside $appdir, without DESTDIR

# --- the command ----------------------------------------------------------------------
mkdir -p "$DESTDIR$bindir"
link="$bindir/$NAME"
if [ -L "$DESTDIR$link" ] || [ ! -e "$DESTDIR$link" ]; then
    ln -sfn "$appdir/$NAME" "$DESTDIR$link"
    record "$link"
else
    echo "Note: $link already exists and is not a link; left as it is." >&2
    echo "      Start the app with $appdir/$NAME or from the menu." >&2
fi

# --- the menu entry, the icon and the AppStream data --------------------------------------
mkdir -p "$DESTDIR$datadir/applications"
desktop="$datadir/applications/$NAME.desktop"
# Absolute paths: the menu must work even when ~/.local/bin is not on the session's PATH.
# Exec needs the quoting of the Desktop Entry spec when the path has special characters.
exec_path="$appdir/$NAME"
exec_value=$exec_path
case "$exec_path" in
    *[[:space:]\"\'\\\>\<\~\|\&\;\$\*\?\#\(\)\`]*)
        quoted=${exec_path//\\/\\\\}
        quoted=${quoted//\"/\\\"}
        quoted=${quoted//\`/\\\`}
        quoted=${quoted//\$/\\\$}
        exec_value="\"${quoted//\\/\\\\}\"" ;;  # then every backslash doubled (string escape)
esac
while IFS= read -r line || [ -n "$line" ]; do
    case "$line" in
        Exec=*) printf 'Exec=%s\n' "$exec_value" ;;
        TryExec=*) printf 'TryExec=%s\n' "${exec_path//\\/\\\\}" ;;
        *) printf '%s\n' "$line" ;;
    esac
done <"$HERE/share/applications/$NAME.desktop" >"$DESTDIR$desktop"
chmod 644 "$DESTDIR$desktop"
record "$desktop"

for icon in "$HERE"/share/icons/hicolor/*/apps/"$NAME".*; do
    size=$(basename "$(dirname "$(dirname "$icon")")")
    destination="$datadir/icons/hicolor/$size/apps/$(basename "$icon")"
    mkdir -p "$DESTDIR$(dirname "$destination")"
    cp "$icon" "$DESTDIR$destination"
    chmod 644 "$DESTDIR$destination"
    record "$destination"
done

if [ -f "$HERE/share/metainfo/$APPSTREAM_ID.metainfo.xml" ]; then
    mkdir -p "$DESTDIR$datadir/metainfo"
    cp "$HERE/share/metainfo/$APPSTREAM_ID.metainfo.xml" "$DESTDIR$datadir/metainfo/"
    record "$datadir/metainfo/$APPSTREAM_ID.metainfo.xml"
fi

# --- let the desktop notice (only the tools this system has; never fatal) -------------------
if [ -z "$DESTDIR" ]; then
    touch "$datadir/icons/hicolor" 2>/dev/null || true
    if command -v update-desktop-database >/dev/null 2>&1; then
        update-desktop-database -q "$datadir/applications" 2>/dev/null || true
    fi
    if command -v gtk-update-icon-cache >/dev/null 2>&1; then
        gtk-update-icon-cache -q -t -f "$datadir/icons/hicolor" 2>/dev/null || true
    fi
fi

# --- a word about libraries the package does not carry ------------------------------------
if [ -z "$DESTDIR" ] && command -v ldconfig >/dev/null 2>&1; then
    known=$(ldconfig -p 2>/dev/null || true)
    missing=""
    for library in libGL.so.1 libEGL.so.1 libxcb.so.1; do
        case "$known" in *"$library "*) ;; *) missing="$missing $library" ;; esac
    done
    if [ -n "$missing" ] && [ -n "$known" ]; then
        echo "Warning: this system lacks$missing, which the app needs." >&2
        echo "  Debian/Ubuntu: sudo apt install libgl1 libegl1 libxcb1" >&2
        echo "  Fedora:        sudo dnf install mesa-libGL mesa-libEGL libxcb" >&2
    fi
fi

echo "Installed Deep Learning Made Simple into $DESTDIR$appdir"
echo "Start it from the applications menu (Education), or with: $NAME"
if [ "$mode" = user ]; then
    case ":${PATH:-}:" in
        *":$bindir:"*) ;;
        *) echo "($bindir is not on your PATH; '$appdir/$NAME' always works.)" ;;
    esac
fi
echo "Uninstall with: $appdir/uninstall.sh"
