# Start a throwaway PostgreSQL cluster for the tests (installs nothing: needs Debian's `postgresql`).
#
# Source it:   source scripts/start_postgres.sh [PORT]      (default port 54329, or the next free one)
# It exports   OBSERVATORY_TEST_PG=postgresql://postgres@127.0.0.1:PORT/observatory_test
# and defines  observatory_stop_postgres   (stops the cluster and deletes its directory).
# The cluster listens on 127.0.0.1 only, trusts local connections and keeps its data in a temporary
# directory. Run as root, the server runs as the `postgres` user; otherwise as the calling user.

_observatory_start_postgres() {
    local port="${1:-54329}" bindir dir as_pg
    bindir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
    if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
        echo "start_postgres: no PostgreSQL server found under /usr/lib/postgresql; apt-get install -y postgresql" >&2
        return 1
    fi
    while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
        port=$((port + 1))
    done
    dir="$(mktemp -d /tmp/observatory-pg.XXXXXX)" || return 1
    as_pg=()
    if [ "$(id -u)" = 0 ]; then
        chown postgres: "$dir"
        as_pg=(runuser -u postgres --)
    fi
    if ! "${as_pg[@]}" "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync \
        >"$dir/initdb.log" 2>&1; then
        echo "start_postgres: initdb failed:" >&2
        cat "$dir/initdb.log" >&2
        return 1
    fi
    if ! "${as_pg[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c full_page_writes=off" \
        start >/dev/null; then
        echo "start_postgres: the server did not start:" >&2
        cat "$dir/server.log" >&2
        return 1
    fi
    if ! "$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres observatory_test; then
        echo "start_postgres: could not create the database observatory_test" >&2
        return 1
    fi
    export OBSERVATORY_TEST_PG="postgresql://postgres@127.0.0.1:$port/observatory_test"
    export OBSERVATORY_PG_DIR="$dir"
    export OBSERVATORY_PG_BIN="$bindir"
    echo "PostgreSQL test server: OBSERVATORY_TEST_PG=$OBSERVATORY_TEST_PG (data in $dir)"
}

observatory_stop_postgres() {
    [ -n "${OBSERVATORY_PG_DIR:-}" ] || return 0
    local as_pg=()
    [ "$(id -u)" = 0 ] && as_pg=(runuser -u postgres --)
    "${as_pg[@]}" "$OBSERVATORY_PG_BIN/pg_ctl" -D "$OBSERVATORY_PG_DIR/data" -m fast -w stop >/dev/null
    rm -rf "$OBSERVATORY_PG_DIR"
    unset OBSERVATORY_PG_DIR OBSERVATORY_PG_BIN OBSERVATORY_TEST_PG
}

_observatory_start_postgres "$@"
