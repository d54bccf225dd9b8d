#!/bin/sh
# Installs the Debian packages rwkvacc needs when any is missing; quiet and fast
# when all are there. Uses sudo when not root. Idempotent.
set -eu
PKGS="gcc g++ make python3 libc6-dev verilator yosys"
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
        missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "install-deps: installing$missing" >&2
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
