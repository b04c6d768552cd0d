#!/usr/bin/env bash
# Uninstall Deep Learning Made Simple.
#
#   ~/.local/lib/deep-learning-made-simple/uninstall.sh   a user install
#   sudo /opt/deep-learning-made-simple/uninstall.sh      a system install
#   ./uninstall.sh [--user | --system]                    from the unpacked archive
#
# Removes the program's folder and every file install.sh listed in its .install-manifest
# (the command link, the menu entry, the icons, the AppStream data). Settings the app saved
# (~/.config/deep-learning-made-simple) are kept. DESTDIR works as for install.sh.
set -euo pipefail

NAME=deep-learning-made-simple
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

die() { echo "uninstall.sh: $*" >&2; exit 1; }

mode=auto
for arg in "$@"; do
    case "$arg" in
        --user) mode=user ;;
        --system) mode=system ;;
        -h|--help) sed -n '2,10s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; exit 0 ;;
        *) die "unknown option '$arg' (try --help)" ;;
    esac
done

DESTDIR=${DESTDIR:-}
user_appdir="${HOME:-/nonexistent}/.local/lib/$NAME"
if [ "$mode" = auto ]; then
    # Run from inside an install: that install. Otherwise, as for install.sh: root means /opt.
    if [ -f "$HERE/.install-manifest" ] && [ "$HERE" = "$DESTDIR/opt/$NAME" ]; then
        mode=system
    elif [ -f "$HERE/.install-manifest" ] && [ "$HERE" = "$user_appdir" ]; then
        mode=user
    elif [ "$(id -u)" -eq 0 ]; then
        mode=system
    else
        mode=user
    fi
fi
if [ "$mode" = user ]; then
    [ -n "${HOME:-}" ] || die "HOME is not set"
    appdir=$user_appdir
    datadir="${XDG_DATA_HOME:-$HOME/.local/share}"
    DESTDIR=""
else
    if [ -z "$DESTDIR" ] && [ "$(id -u)" -ne 0 ]; then
        die "a system install can only be removed by root: sudo $0"
    fi
    appdir="/opt/$NAME"
    datadir=/usr/local/share
fi

target="$DESTDIR$appdir"
if [ ! -d "$target" ]; then
    echo "Deep Learning Made Simple is not installed in $target; nothing to do."
    exit 0
fi
# Never remove a folder that is not an install of this app.
[ -f "$target/.install-manifest" ] && [ -e "$target/$NAME" ] \
    || die "$target does not look like an install of $NAME (no .install-manifest); not touching it"

# Every file install.sh placed outside the folder.
while IFS= read -r path || [ -n "$path" ]; do
    [ -n "$path" ] || continue
    case "$path" in
        */bin/"$NAME")
            # The command: only our own link, never a file someone else put there.
            if [ -L "$DESTDIR$path" ]; then rm -f "$DESTDIR$path"; fi ;;
        *)
            rm -f "$DESTDIR$path"
            # Icon size folders we may have created (hicolor/48x48/apps ...), if now empty.
            case "$path" in
                */icons/hicolor/*)
                    dir=$(dirname "$DESTDIR$path")
                    rmdir "$dir" 2>/dev/null && rmdir "$(dirname "$dir")" 2>/dev/null || true ;;
            esac ;;
    esac
done <"$target/.install-manifest"

rm -rf "$target"

if [ -z "$DESTDIR" ]; then
    if [ -d "$datadir/applications" ] && command -v update-desktop-database >/dev/null 2>&1; then
        update-desktop-database -q "$datadir/applications" 2>/dev/null || true
    fi
    if [ -d "$datadir/icons/hicolor" ]; then
        touch "$datadir/icons/hicolor" 2>/dev/null || true
        if command -v gtk-update-icon-cache >/dev/null 2>&1; then
            gtk-update-icon-cache -q -t -f "$datadir/icons/hicolor" 2>/dev/null || true
        fi
    fi
fi

echo "Uninstalled Deep Learning Made Simple from $target"
