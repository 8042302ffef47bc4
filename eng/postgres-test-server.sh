#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the journal tests: initdb into a temp dir owned by a non-root user (PostgreSQL
# refuses to run as root), trust auth on 127.0.0.1, a free port. Idempotent and bounded.
#   eng/postgres-test-server.sh start   -> prints the connection string (Host=127.0.0.1;Port=…;Username=postgres)
#   eng/postgres-test-server.sh stop <dir>
set -euo pipefail
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  if [ "$(id -u)" = 0 ] && [ "${FAL_PG_INSTALL:-0}" = 1 ]; then
    timeout 300 apt-get install -y -qq postgresql >/dev/null
    bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  else
    echo "PostgreSQL is not installed (apt-get install -y postgresql)" >&2; exit 2
  fi
fi
run_as() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
case "${1:-}" in
  start)
    dir=$(mktemp -d /tmp/fal-pg.XXXXXX)
    [ "$(id -u)" = 0 ] && chown postgres "$dir"
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
    run_as "$bin/initdb" -D "$dir/data" -U postgres -A trust --no-sync >/dev/null
    run_as timeout 60 "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 30 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c max_connections=200" start >/dev/null
    echo "Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres;Pooling=true|$dir"
    ;;
  stop)
    dir=${2:?data dir}
    run_as timeout 60 "$bin/pg_ctl" -D "$dir/data" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
  *) echo "usage: $0 start | stop <dir>" >&2; exit 64 ;;
esac
