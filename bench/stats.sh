#!/bin/sh
# stats.sh: builds and runs the statistics bench (bench/README.md).
#   bench/stats.sh DB [year] [rounds] [nosql|sql] [threads]
#   bench/stats.sh --build   (builds $BUILD/bench/stats and gen_national, runs nothing)
# BUILD names the build folder (build). With no DB, makes /tmp/guichet-national.db first (about 9 million demands).
set -eu
cd "$(dirname "$0")/.."
B=${BUILD:-build}
make -s BUILD="$B" "$B/guichet"
mkdir -p "$B/bench"
PKGS="libmicrohttpd sqlite3 libsodium jansson zlib libpq xlsxwriter libqrencode liboath libcurl cjose"
OBJ=$(find "$B/obj" -name '*.o' ! -path '*/cli/main.o' | sort)
cc -O2 -g -std=c11 -D_GNU_SOURCE -Isrc -I"$B/gen" $(pkg-config --cflags $PKGS) -o "$B/bench/stats" bench/stats.c \
	$OBJ $(pkg-config --libs $PKGS) -lcrypto -lpthread -lm
cc -O2 -o "$B/bench/gen_national" bench/gen_national.c -lsqlite3
[ "${1:-}" = "--build" ] && exit 0 # only the programs (bench/duckdb.mjs runs "$B/bench/stats" itself)
DB=${1:-/tmp/guichet-national.db}
if [ ! -e "$DB" ]; then
	"$B/guichet" init --db "$DB" >/dev/null
	"$B/bench/gen_national" "$DB" 9000000 "${2:-2025}"
else
	"$B/guichet" init --db "$DB" >/dev/null # brings an older database's schema up to date
fi
exec "$B/bench/stats" "$DB" "${2:-2025}" "${3:-7}" "${4:-sql}" "${5:-2}"
