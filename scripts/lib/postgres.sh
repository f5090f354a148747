# The stack's own PostgreSQL 15 cluster, its Supabase bootstrap, migrations and seed. Sourced.

# Postgres refuses to run as root, so the cluster belongs to the `postgres` user. Its directory
# sits in the state folder when that user can reach it, and in /var/lib/postgresql otherwise
# (a checkout under /root, say); a link in the state folder points there either way.
pg_dir() {
    local preferred="$STATE_DIR/postgres"
    if [[ -L "$preferred" ]]; then
        readlink -f "$preferred"
    elif ((EUID != 0)) || runuser -u postgres -- test -x "$STATE_DIR" 2>/dev/null; then
        printf '%s\n' "$preferred"
    else
        printf '/var/lib/postgresql/track-event-%s\n' "$(printf '%s' "$ROOT_DIR" | sha256sum | cut -c1-12)"
    fi
}

as_pg_owner() {
    if ((EUID == 0)); then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

psql_db() {
    PGPASSWORD=postgres "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$DB_PORT" -U postgres "$@"
}

pg_ready() {
    "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$DB_PORT" -U postgres -d postgres
}

pg_running() {
    local dir
    dir="$(pg_dir)"
    [[ -f "$dir/data/postmaster.pid" ]] && as_pg_owner "$PG_BIN/pg_ctl" -D "$dir/data" status >/dev/null 2>&1
}

pg_init_cluster() {
    local dir
    dir="$(pg_dir)"
    [[ -f "$dir/data/PG_VERSION" ]] && return 0
    info "creating a PostgreSQL 15 cluster in $dir/data"
    mkdir -p "$dir/run"
    if [[ "$dir" != "$STATE_DIR/postgres" ]]; then
        ln -sfn "$dir" "$STATE_DIR/postgres"
    fi
    ((EUID == 0)) && chown -R postgres:postgres "$dir"
    printf 'postgres\n' >"$dir/pwfile"
    ((EUID == 0)) && chown postgres "$dir/pwfile"
    as_pg_owner "$PG_BIN/initdb" -D "$dir/data" -U postgres --pwfile="$dir/pwfile" \
        --auth-local=trust --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 \
        >"$LOG_DIR/initdb.log" 2>&1 || die "initdb failed" "see $LOG_DIR/initdb.log"
    rm -f "$dir/pwfile"
    ok "cluster created"
}

# Server settings the migrations rely on, as on Supabase: pg_cron preloaded for database postgres
# (its jobs run in background workers, so they need no password), and logical decoding for the
# events' publication. wal_level = logical adds a little WAL per change (row identities).
PG_SETTINGS=(shared_preload_libraries=pg_cron cron.database_name=postgres cron.use_background_workers=on
    max_worker_processes=16 wal_level=logical)

pg_settings_options() {
    printf -- ' -c %s' "${PG_SETTINGS[@]}"
}

# True when the running server has every setting above (a cluster started by an older checkout
# may not: it is restarted once).
pg_settings_current() {
    local setting name value
    for setting in "${PG_SETTINGS[@]}"; do
        name="${setting%%=*}" value="${setting#*=}"
        [[ "$(psql_db -d postgres -At -c "show $name" 2>/dev/null)" == "$value" ]] || return 1
    done
}

pg_start() {
    local dir
    dir="$(pg_dir)"
    pg_init_cluster
    if pg_running; then
        pg_ready || wait_for "PostgreSQL" 30 pg_ready || die "PostgreSQL runs but does not answer" "see $dir/postgres.log"
        if pg_settings_current; then
            ok "PostgreSQL already running on 127.0.0.1:$DB_PORT"
            return
        fi
        info "restarting PostgreSQL to load pg_cron and logical decoding"
        pg_stop
    fi
    port_open "$DB_PORT" && die "port $DB_PORT is taken by another process" \
        "set STACK_DB_PORT to a free port, e.g. STACK_DB_PORT=55322 scripts/stack start"
    info "starting PostgreSQL on 127.0.0.1:$DB_PORT"
    as_pg_owner "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 start \
        -o "-p $DB_PORT -c listen_addresses=127.0.0.1 -k $dir/run$(pg_settings_options)" >/dev/null ||
        die "PostgreSQL did not start" "see $dir/postgres.log"
    wait_for "PostgreSQL" 30 pg_ready || die "PostgreSQL does not answer" "see $dir/postgres.log"
}

pg_stop() {
    local dir
    dir="$(pg_dir)"
    if pg_running; then
        as_pg_owner "$PG_BIN/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null
        ok "PostgreSQL stopped"
    else
        info "PostgreSQL is not running"
    fi
}

# Everything a hosted project has before the first migration: roles, auth, extensions, grants.
db_bootstrap() {
    info "applying the Supabase-compatible bootstrap (scripts/local/bootstrap.sql)"
    psql_db -d postgres -f "$ROOT_DIR/scripts/local/bootstrap.sql" >"$LOG_DIR/bootstrap.log" 2>&1 ||
        die "the bootstrap failed" "see $LOG_DIR/bootstrap.log"
    # As on hosted Supabase, unqualified names find extension functions (pgTAP among them).
    psql_db -d postgres -c 'alter database postgres set search_path to "$user", public, extensions' \
        >>"$LOG_DIR/bootstrap.log" 2>&1
}

db_migrate() {
    info "applying migrations with the supabase CLI (migration up)"
    (cd "$ROOT_DIR" && "$SUPABASE_CLI" migration up --db-url "$DB_URL?sslmode=disable") \
        >"$LOG_DIR/migrations.log" 2>&1 || die "migrations failed" "see $LOG_DIR/migrations.log"
    grep -E '^(Applying|Local database is up to date)' "$LOG_DIR/migrations.log" | sed 's/^/    /' || true
}

db_seed() {
    [[ -f "$ROOT_DIR/supabase/seed.sql" ]] || return 0
    info "loading supabase/seed.sql"
    psql_db -d postgres -f "$ROOT_DIR/supabase/seed.sql" >"$LOG_DIR/seed.log" 2>&1 ||
        die "the seed failed" "see $LOG_DIR/seed.log"
}

db_prepare() {
    step "Preparing the database"
    db_bootstrap
    db_migrate
    db_seed
    ok "database ready"
}

# Rebuilds the database from nothing: roles are cluster-wide and the bootstrap re-asserts them.
db_recreate() {
    info "dropping and recreating database postgres"
    psql_db -d template1 -c 'drop database if exists postgres with (force)' >/dev/null
    psql_db -d template1 -c 'create database postgres' >/dev/null
}
