#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster on 127.0.0.1 for tests: `start` prints the database URL,
# `stop` stops it and removes its data. Needs root (it runs postgres as the postgres user).
set -euo pipefail
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
PGDATA=${PGDATA:-/tmp/dongui-pgdata-${PGPORT:-25432}}
PGPORT=${PGPORT:-25432}

case "${1:-}" in
  start)
    rm -rf "$PGDATA" && install -d -o postgres -g postgres -m 700 "$PGDATA"
    runuser -u postgres -- "$PGBIN/initdb" -D "$PGDATA" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
    runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w start \
      -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $PGDATA -c fsync=off -c full_page_writes=off -c synchronous_commit=off" >/dev/null
    runuser -u postgres -- "$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U postgres dongui_test
    echo "postgresql+psycopg://postgres@127.0.0.1:$PGPORT/dongui_test"
    ;;
  stop)
    if [ -f "$PGDATA/postmaster.pid" ]; then
      pid=$(head -1 "$PGDATA/postmaster.pid")
      runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null || true
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fi
    rm -rf "$PGDATA"
    ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
