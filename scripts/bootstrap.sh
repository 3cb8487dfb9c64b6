#!/bin/sh
# bootstrap.sh - install the Debian packages oureyes needs, only those missing.
#
# Idempotent: a machine that has everything costs one dpkg-query. Used by
# `make run`, `make check` and `make bench`; the argument names the set.
#   scripts/bootstrap.sh build|check|bench|fuzz
set -eu

BUILD_PKGS="meson ninja-build pkg-config gcc g++ make
  libmicrohttpd-dev libcurl4-openssl-dev libjansson-dev libsqlite3-dev libsodium-dev
  libpsl-dev libidn2-dev libphonenumber-dev libinih-dev"
CHECK_PKGS="libcmocka-dev python3 python3-jsonschema sqlite3 curl openssl"
BENCH_PKGS="wrk nginx-light"
FUZZ_PKGS="clang libclang-rt-14-dev"

want="$BUILD_PKGS"
case "${1:-build}" in
build) ;;
check) want="$want $CHECK_PKGS" ;;
bench) want="$want $CHECK_PKGS $BENCH_PKGS" ;;
fuzz) want="$want $CHECK_PKGS $FUZZ_PKGS" ;;
*) echo "bootstrap: unknown set '$1' (build|check|bench|fuzz)" >&2; exit 2 ;;
esac

missing=""
for p in $want; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$st" in
	*"ok installed"*) ;;
	*) missing="$missing $p" ;;
	esac
done
[ -z "$missing" ] && exit 0

echo "bootstrap: installing$missing" >&2
SUDO=""
if [ "$(id -u)" != 0 ]; then
	command -v sudo >/dev/null 2>&1 || {
		echo "bootstrap: need root (or sudo) to install:$missing" >&2
		exit 1
	}
	SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
# Package lists may be absent on a fresh machine; update once, retry once.
$SUDO apt-get update -qq || $SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null ||
	{ $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends $missing; }
