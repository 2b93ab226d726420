#!/bin/sh
# Installs the Debian packages Refinery needs when they are missing, so that the README's
# two commands work on a fresh machine. Safe to run repeatedly: it does nothing when every
# package is present.
set -eu
# slurm-wlm and munge: the cluster tests bring up a one-node Slurm cluster (docs/cluster.md).
# libc6-dev: glibc's headers and link libraries, libmvec among them (the learner's vector log1p).
needed="libc6-dev libsqlite3-dev libarchive-dev libnlopt-dev libxgboost-dev zstd python3-numpy python3-scipy slurm-wlm munge"
missing=""
for package in $needed; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        # numpy may come from pip instead of Debian: accept either.
        if [ "$package" = python3-numpy ] && python3 -c 'import numpy' 2>/dev/null; then continue; fi
        # The inference tests compare with scipy's minimizers (from Debian or pip).
        if [ "$package" = python3-scipy ] && python3 -c 'import scipy' 2>/dev/null; then continue; fi
        missing="$missing $package"
    fi
done
# The tests compile C plugin fixtures with `cc`, which Swift's own prerequisites do not include.
if ! command -v cc >/dev/null 2>&1; then missing="$missing gcc"; fi
if [ -n "$missing" ]; then
    echo "installing:$missing" >&2
    SUDO=""
    if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
fi
if ! command -v swift >/dev/null 2>&1; then
    if [ -x /opt/swift/usr/bin/swift ]; then
        echo "note: add /opt/swift/usr/bin to PATH" >&2
    else
        echo "error: Swift 6.1 or newer is required (https://swift.org/install)" >&2
        exit 1
    fi
fi
