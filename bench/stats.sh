#!/bin/sh
# stats.sh: builds and runs the statistics bench (bench/README.md).
#   bench/stats.sh DB [year] [rounds] [nosql|sql] [threads]
# With no DB, makes /tmp/guichet-national.db first (about 9 million demands).
set -eu
cd "$(dirname "$0")/.."
make -s build/guichet
mkdir -p build/bench
PKGS="libmicrohttpd sqlite3 libsodium jansson zlib libpq xlsxwriter"
OBJ=$(ls build/obj/*.o | grep -v '/main.o$')
cc -O2 -g -std=c11 -D_GNU_SOURCE -Isrc -Ibuild/gen $(pkg-config --cflags $PKGS) -o build/bench/stats bench/stats.c \
	$OBJ $(pkg-config --libs $PKGS) -lpthread -lm
cc -O2 -o build/bench/gen_national bench/gen_national.c -lsqlite3
DB=${1:-/tmp/guichet-national.db}
if [ ! -e "$DB" ]; then
	build/guichet init --db "$DB" >/dev/null
	build/bench/gen_national "$DB" 9000000 "${2:-2025}"
else
	build/guichet init --db "$DB" >/dev/null # brings an older database's schema up to date
fi
exec build/bench/stats "$DB" "${2:-2025}" "${3:-7}" "${4:-sql}" "${5:-2}"
