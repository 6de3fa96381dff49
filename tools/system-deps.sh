#!/bin/sh
# Makes sure the Debian packages the tests and the app need are installed.
# As root on Debian: installs only the missing ones. Elsewhere: prints the command.
set -eu

PACKAGES="libglib2.0-0 libgl1 libegl1 libx11-6 libxkbcommon0 libfontconfig1 libfreetype6
libdbus-1-3 fonts-dejavu-core xvfb xauth libxcb1 libx11-xcb1 libxkbcommon-x11-0 libxcb-cursor0
libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-randr0 libxcb-render0 libxcb-render-util0
libxcb-shape0 libxcb-shm0 libxcb-sync1 libxcb-util1 libxcb-xfixes0 libxcb-xkb1 dbus-daemon
desktop-file-utils gnome-keyring binutils icu-devtools faketime at-spi2-core trayer xdotool
dovecot-imapd"

if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "system-deps: not a Debian system; install the equivalents of: $(echo $PACKAGES)" >&2
    exit 0
fi

missing=""
for pkg in $PACKAGES; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
    [ "$status" = "installed" ] || missing="$missing $pkg"
done

if [ -z "$missing" ]; then
    exit 0
fi

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "system-deps: installing$missing"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
else
    echo "system-deps: these Debian packages are missing:$missing" >&2
    echo "system-deps: run: sudo apt-get install$missing" >&2
    exit 1
fi
