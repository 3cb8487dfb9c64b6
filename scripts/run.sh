#!/bin/sh
# run.sh - `make run`: initialise a data directory once, then serve it.
#   scripts/run.sh BINARY VARDIR LISTEN
# The first admin's key is kept in VARDIR/first-admin.json (mode 0600) so
# that every `make run` can print it; a real deployment runs `oureyes init`
# itself and keeps the key elsewhere. The first admin ("admin") also gets a
# random console password, printed once, on the first run only; it is
# stored only as an Argon2id hash (`oureyes user passwd` sets a new one).
set -eu
bin=$1 var=$2 listen=$3
mkdir -p "$var"
password=""
if [ ! -f "$var/data/oureyes.db" ]; then
	umask 077
	"$bin" init --data "$var/data" --org "${OE_ORG:-Local Agency}" --country "${OE_COUNTRY:-ID}" \
		>"$var/first-admin.json"
	password=$(head -c 18 /dev/urandom | base64 | tr '+/' '-_')
	printf '%s\n' "$password" | "$bin" user passwd --data "$var/data" --name admin >/dev/null
fi
key=$(sed -n 's/.*"api_key":"\([^"]*\)".*/\1/p' "$var/first-admin.json")
wl=""
if [ -d ../shared/fixtures/misp/warninglists ]; then
	wl="--set indicators.warninglists=$(cd ../shared/fixtures/misp/warninglists && pwd)"
fi
echo "oureyes: data in $var/data"
echo "oureyes: URL      http://$listen/"
echo "oureyes: API key  $key  (first admin)"
if [ -n "$password" ]; then
	echo "oureyes: console  http://$listen/console/  user admin  password $password  (shown once)"
else
	echo "oureyes: console  http://$listen/console/  user admin  (new password: $bin user passwd --data $var/data --name admin)"
fi
echo "oureyes: try      curl -H 'Authorization: Bearer $key' 'http://$listen/api/v1/lookup?value=example.com'"
# shellcheck disable=SC2086
exec "$bin" serve --data "$var/data" --listen "$listen" $wl
