# shellcheck shell=bash
# `scripts/bench-db --rollups`: the stage-latency rollups at scale, sourced by scripts/bench-db
# (which defines say, run_psql, median, BENCH_SQL, DB_URL and ROOT_DIR):
#   1. insert throughput with and without the rollup trigger, batch by batch in turn on two twin
#      databases (no DDL between the arms), for a mixed workload (one event in 5 a stage event) and
#      for stage events only: timed in the server, as a round trip with commit, and through
#      /functions/v1/track-event of twin stacks (a PostgREST, function and gateway per twin); in
#      the server also a third twin that does only the writes any in-statement rollup must do (the
#      floor);
#   2. 1M events (1,000 users, the heavy user holding 10%) loaded with the trigger on, in a database
#      of their own;
#   3. 10M events (the heavy user holding 1M) in this database with the trigger off, the rollups
#      rebuilt; then every dashboard read through PostgREST for the heavy user and a typical one,
#      on both databases in turn (the 1M one behind a stack of its own): p50 at most 50 ms at 10M,
#      and at most 1.5x its figure at 1M.
# Knobs (environment): INSERT_STATEMENTS (400: statements, and requests through the function),
#   INSERT_BATCH (100), ROLLUPS_JOBS (5000: the insert bench user's jobs), HTTP_READS (100),
#   GROW_CHUNKS (9: the 10M database holds one chunk of 1M events more), SCALE_USERS (1000), per
#   user and chunk HEAVY_JOBS (4000), HEAVY_FILLER (60000), TYPICAL_JOBS (2), TYPICAL_FILLER (880),
#   and ROLLUPS_PORT_BASE (32350: the twin stacks' 8 ports).

# shellcheck source=services.sh
source "$ROOT_DIR/scripts/lib/services.sh"

# Two twin databases migrated from this checkout, with one bench user, ROLLUPS_JOBS jobs and no
# ingest limit: ROLLUPS_ON with the rollup trigger, ROLLUPS_OFF a copy without it; with `floor`,
# also ROLLUPS_FLOOR, a copy whose trigger only does the writes any in-statement rollup must do
# (scripts/load/db/rollup_write_floor.sql).
rollups_twin_databases() { # [floor]
    local on_url
    ROLLUPS_ON=track_event_rollups_bench_on ROLLUPS_OFF=track_event_rollups_bench_off
    ROLLUPS_FLOOR=track_event_rollups_bench_floor
    on_url="$(database_url "$DB_URL" "$ROLLUPS_ON")"
    rollups_drop_twins
    create_migrated_database "$DB_URL" "$ROLLUPS_ON"
    psql "$on_url" -X -q -v ON_ERROR_STOP=1 -v prefix=insert -v users=1 -v jobs_per_user="${ROLLUPS_JOBS:-5000}" \
        -f "$BENCH_SQL/create_users.sql"
    psql "$on_url" -X -q -v ON_ERROR_STOP=1 -c "insert into private.ingest_limits
        select id, 1e9, 2000000000 from auth.users where raw_user_meta_data ->> 'bench_prefix' = 'insert'"
    ROLLUPS_UID="$(psql "$on_url" -X -At -c "select id from auth.users where raw_user_meta_data ->> 'bench_prefix' = 'insert'")"
    # A session and its token, as a sign-in makes them, before the copy: both twins hold the session.
    ROLLUPS_TOKEN="$(cd "$ROOT_DIR" && JWT_SECRET="$JWT_SECRET" AUTH_ISSUER="$API_URL/auth/v1" \
        AUTH_DB_URL="$(database_url "$AUTH_DB_URL" "$ROLLUPS_ON")" "$(deno_bin)" run --cached-only \
        --allow-env --allow-net=127.0.0.1 --config deno.json scripts/local/mint_token.ts "$ROLLUPS_UID")"
    rollups_copy_on_twin "$ROLLUPS_OFF"
    if [ "${1:-}" = floor ]; then
        rollups_copy_on_twin "$ROLLUPS_FLOOR"
        psql "$(database_url "$DB_URL" "$ROLLUPS_FLOOR")" -X -q -v ON_ERROR_STOP=1 -f "$BENCH_SQL/rollup_write_floor.sql"
    fi
    psql "$(database_url "$DB_URL" "$ROLLUPS_OFF")" -X -q -v ON_ERROR_STOP=1 \
        -c 'drop trigger roll_up_stage_events on public.analytics_events'
}

# Creates database NAME as a copy of ROLLUPS_ON. pg_cron's scheduler may hold a connection to any
# database, and a template must have none: they are ended right before each copy.
rollups_copy_on_twin() { # name
    psql "$(database_url "$DB_URL" "$ROLLUPS_ON")" -X -q -c "select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()" >/dev/null
    run_psql -c "create database $1 template $ROLLUPS_ON"
}

# Per twin, the stack's services as scripts/stack starts them: PostgREST over the twin, the function
# and the gateway in front of both, on ports of their own from ROLLUPS_PORT_BASE (32350, 8 ports).
rollups_twin_stacks_start() {
    local base="${ROLLUPS_PORT_BASE:-32350}"
    rollups_stack_start on "$ROLLUPS_ON" "$base"
    ROLLUPS_ON_API="$ROLLUPS_API"
    rollups_stack_start off "$ROLLUPS_OFF" $((base + 4))
    ROLLUPS_OFF_API="$ROLLUPS_API"
}

# The settings of stack NAME, for the stack's own start and stop functions (scripts/lib/services.sh):
# its state under .stack/bench-NAME, over database DB, on ports BASE..BASE+3.
rollups_stack_settings() { # name db base
    local home="$STATE_DIR/bench-$1"
    STATE_DIR="$home" LOG_DIR="$home/logs" RUN_DIR="$home/run" REST_DB_NAME="$2"
    REST_PORT="$3" REST_ADMIN_PORT=$(($3 + 1)) FUNCTIONS_PORT=$(($3 + 2)) API_PORT=$(($3 + 3))
    API_URL="http://127.0.0.1:$API_PORT" DB_URL="$(database_url "$DB_URL" "$2")"
    AUTH_DB_URL="$(database_url "$AUTH_DB_URL" "$2")"
}

# Starts stack NAME over database DB on ports BASE..BASE+3, as scripts/stack starts its own (a taken
# port is refused, each service is waited for until healthy); sets ROLLUPS_API to its gateway's URL.
rollups_stack_start() { # name db base
    local port
    # start_service refuses a taken port too, but its advice names the stack's own port settings.
    for port in "$3" $(($3 + 1)) $(($3 + 2)) $(($3 + 3)); do
        if port_open "$port"; then
            say "port $port is taken: stop what holds it, or set ROLLUPS_PORT_BASE to the first of 8 free ports"
            return 1
        fi
    done
    ROLLUPS_STACKS+=("$1")
    # A subshell, so that the settings stay the stack's; its progress goes to stderr, with the
    # bench's own.
    (
        # shellcheck source=/dev/null
        source "$STATE_DIR/keys.env"
        rollups_stack_settings "$@"
        mkdir -p "$LOG_DIR" "$RUN_DIR"
        start_postgrest
        start_function
        start_gateway
    ) >&2
    ROLLUPS_API="http://127.0.0.1:$(($3 + 3))"
}

# Stops every stack rollups_stack_start started, each service by its recorded pid.
rollups_twin_stacks_stop() {
    local name
    for name in ${ROLLUPS_STACKS[@]+"${ROLLUPS_STACKS[@]}"}; do
        (
            rollups_stack_settings "$name" "" 0
            stop_service gateway
            stop_service functions
            stop_service postgrest
        ) >&2
    done
    ROLLUPS_STACKS=()
}

# What a failed or interrupted run leaves: the twins and the 1M database.
rollups_drop_scratch() {
    rollups_drop_twins
    run_psql -c "drop database if exists track_event_rollups_bench_1m with (force)"
}

rollups_drop_twins() {
    run_psql -c "drop database if exists track_event_rollups_bench_on with (force)" \
        -c "drop database if exists track_event_rollups_bench_off with (force)" \
        -c "drop database if exists track_event_rollups_bench_floor with (force)"
}

rollups_insert_bench() {
    local statements="${INSERT_STATEMENTS:-400}" batch="${INSERT_BATCH:-100}" every timings
    # shellcheck source=/dev/null
    source "$STATE_DIR/keys.env" # ANON_KEY, for the requests through the function
    for every in 5 1; do
        # Fresh twins per workload and per timing, so that every run of a job's stage is its first,
        # as in a pipeline that makes new jobs.
        say "rollups part 1: twin databases with and without the rollup trigger, one bench user with ${ROLLUPS_JOBS:-5000} jobs"
        rollups_twin_databases floor
        say "rollups part 1: $statements statements of $batch events, one in $every a stage event, each twin in turn, and the floor's"
        timings="$(cd "$ROOT_DIR" && "$(deno_bin)" run --allow-net=127.0.0.1 --allow-env --allow-read \
            scripts/load/rollup_insert_bench.ts --on "$(database_url "$DB_URL" "$ROLLUPS_ON")" \
            --off "$(database_url "$DB_URL" "$ROLLUPS_OFF")" --floor "$(database_url "$DB_URL" "$ROLLUPS_FLOOR")" \
            --user "$ROLLUPS_UID" \
            --statements "$statements" --batch "$batch" --stage-every "$every")"
        say "rollups part 1: fresh twins, each behind its own PostgREST, function and gateway"
        rollups_twin_databases
        rollups_twin_stacks_start
        say "rollups part 1: $statements requests of $batch events to /functions/v1/track-event, each twin stack in turn"
        timings+=$'\n'"$(cd "$ROOT_DIR" && "$(deno_bin)" run --allow-net=127.0.0.1 --allow-env --allow-read \
            scripts/load/rollup_ingest_bench.ts --on "$ROLLUPS_ON_API" --off "$ROLLUPS_OFF_API" \
            --db "$(database_url "$DB_URL" "$ROLLUPS_ON")" --off-db "$(database_url "$DB_URL" "$ROLLUPS_OFF")" \
            --user "$ROLLUPS_UID" --token "$ROLLUPS_TOKEN" \
            --anon-key "$ANON_KEY" --requests "$statements" --batch "$batch" --stage-every "$every")"
        rollups_twin_stacks_stop
        awk -v every="$every" -v batch="$batch" '
            { k = $1 " " $2; p10[k] = $4; p50[k] = $5; mean[k] = $6 }
            END {
                label = every == 1 ? "stage events only" : "one event in " every " a stage event"
                split("server round_trip ingest", timing, " ")
                split("in the server|round trip, commit included|through the function (gateway, function, PostgREST)", title, "|")
                # the floor arm: in the server only, its p10 / p50 / mean in the "on" columns
                timing[4] = "server"; title[4] = "in the server, the floor: the required writes alone"
                for (i = 1; i <= 4; i++) {
                    on = (i == 4 ? "floor " : "on ") timing[i]; off = "off " timing[i]
                    printf "| %s | %s | %s / %s / %s | %s / %s / %s | %.0f / %.0f | %.2fx |\n",
                        label, title[i], p10[on], p50[on], mean[on], p10[off], p50[off], mean[off],
                        batch / p50[on] * 1000, batch / p50[off] * 1000, p50[off] / p50[on]
                }
            }' <<<"$timings"
    done
    rollups_drop_twins
}

# Prints one JSON line of p50s for the user with this bench_n, through PostgREST, read in turn with
# the same user of the 1M database behind its own stack (read_bench.ts --other-api): `p50_ms` at
# 10M, `other.p50_ms` at 1M.
rollups_read_bench() {
    local n="$1" uid small_uid
    uid="$(run_psql -At -c "select id from auth.users where raw_user_meta_data ->> 'bench_prefix' = 'scale' and (raw_user_meta_data ->> 'bench_n')::integer = $n")"
    small_uid="$(psql "$(database_url "$DB_URL" "$ROLLUPS_SMALL")" -X -At -c "select id from auth.users where raw_user_meta_data ->> 'bench_prefix' = 'scale' and (raw_user_meta_data ->> 'bench_n')::integer = $n")"
    (cd "$ROOT_DIR" && "$(deno_bin)" run --allow-net=127.0.0.1 --allow-env --allow-read --allow-run \
        scripts/load/read_bench.ts --user "$uid" --other-api "$ROLLUPS_SMALL_API" --other-user "$small_uid" \
        --reads "${HTTP_READS:-100}" --days 30 --json) | grep '^{'
}

# After a load: fresh statistics and visibility maps, and the load's dirty pages written out, so
# that the reads after it are not timed against the load's own write-back (in a run without the
# checkpoint, even the one-row job count read 1.55x slower at 10M than at 1M).
rollups_settle() { # [database url]
    psql "${1:-$DB_URL}" -X -q -v ON_ERROR_STOP=1 -c 'vacuum (analyze) public.analytics_events' -c 'vacuum (analyze) public.jobs' \
        -c 'vacuum (analyze) rollups.job_stages' -c 'vacuum (analyze) rollups.stage_latency_days' \
        -c 'vacuum (analyze) rollups.stage_latency_day_blocks' -c 'vacuum (analyze) rollups.stage_latency_totals' \
        -c 'vacuum (analyze) rollups.job_counts' -c 'checkpoint'
}

rollups_load_chunk() { # database_url chunk
    psql "$1" -X -q -v ON_ERROR_STOP=1 -v prefix=scale -v chunk="$2" -v heavy_jobs="${HEAVY_JOBS:-4000}" \
        -v heavy_filler="${HEAVY_FILLER:-60000}" -v typical_jobs="${TYPICAL_JOBS:-2}" \
        -v typical_filler="${TYPICAL_FILLER:-880}" -f "$BENCH_SQL/load_stage_history.sql"
}

rollups_scale_bench() {
    local chunks=$((${GROW_CHUNKS:-9} + 1)) t0 chunk small_url
    TYPICAL_N=$(((${SCALE_USERS:-1000} + 1) / 2))
    ROLLUPS_SMALL=track_event_rollups_bench_1m
    small_url="$(database_url "$DB_URL" "$ROLLUPS_SMALL")"
    say "rollups part 2: a database migrated from this checkout with 1,000 bench users; user 1 is the heavy one"
    run_psql -c "drop database if exists $ROLLUPS_SMALL with (force)"
    create_migrated_database "$DB_URL" "$ROLLUPS_SMALL"
    psql "$small_url" -X -q -v ON_ERROR_STOP=1 -v prefix=scale -v users="${SCALE_USERS:-1000}" -v jobs_per_user=0 \
        -f "$BENCH_SQL/create_users.sql"
    say "rollups part 2: loading 1M events there in one statement with the rollup trigger on"
    t0="$(date +%s.%N)"
    rollups_load_chunk "$small_url" 0
    load_on_s="$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')"
    say "    $load_on_s s"
    rollups_settle "$small_url"
    events_1m="$(psql "$small_url" -X -At -c 'select count(*) from public.analytics_events')"

    say "rollups part 3: the same users in this database, and $chunks chunks of 1M events with the rollup trigger off"
    run_psql -v prefix=scale -v users="${SCALE_USERS:-1000}" -v jobs_per_user=0 -f "$BENCH_SQL/create_users.sql"
    run_psql -c 'alter table public.analytics_events disable trigger roll_up_stage_events'
    t0="$(date +%s.%N)"
    for ((chunk = 0; chunk < chunks; chunk++)); do
        say "    chunk $((chunk + 1))/$chunks"
        rollups_load_chunk "$DB_URL" "$chunk"
    done
    load_off_s="$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')"
    run_psql -c 'alter table public.analytics_events enable trigger roll_up_stage_events'
    say "    loaded in $load_off_s s; rebuilding the rollups from the raw events"
    t0="$(date +%s.%N)"
    run_psql -c 'select rollups.rebuild_stage_rollups()' >/dev/null
    rebuild_s="$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')"
    say "    rebuilt in $rebuild_s s; vacuum analyze"
    rollups_settle
    events_10m="$(run_psql -At -c 'select count(*) from public.analytics_events')"
    heavy_events="$(run_psql -At -c "select count(*) from public.analytics_events as e join auth.users as u on u.id = e.user_id where u.raw_user_meta_data ->> 'bench_prefix' = 'scale' and (u.raw_user_meta_data ->> 'bench_n')::integer = 1")"

    say "rollups part 3: the 1M database behind its own PostgREST, function and gateway"
    rollups_stack_start small "$ROLLUPS_SMALL" "${ROLLUPS_PORT_BASE:-32350}"
    ROLLUPS_SMALL_API="$ROLLUPS_API"
    say "rollups part 3: reads at $events_1m and $events_10m events (heavy user $heavy_events), in turn on both"
    # One assignment each: in one command, a failed first read would be masked by the second.
    heavy="$(rollups_read_bench 1)"
    typical="$(rollups_read_bench "$TYPICAL_N")"
    rollups_twin_stacks_stop
    run_psql -c "drop database if exists $ROLLUPS_SMALL with (force)"
}

# A Markdown table of p50s at 1M and 10M and their ratio, per read, for one user.
rollups_read_table() { # label json (read_bench.ts --other-api: p50_ms at 10M, other.p50_ms at 1M)
    "$(deno_bin)" eval --quiet "
        const [label, json] = Deno.args;
        const { p50_ms: large, rows, other: { p50_ms: small } } = JSON.parse(json);
        for (const name of Object.keys(large)) {
          const ratio = large[name] / small[name];
          const ok = large[name] <= 50 && ratio <= 1.5 ? 'met' : 'NOT MET';
          console.log('| ' + label + ' | ' + name + ' | ' + rows[name] + ' | ' + small[name].toFixed(1) + ' | ' +
            large[name].toFixed(1) + ' | ' + ratio.toFixed(2) + 'x | ' + ok + ' |');
        }" "$1" "$2"
}

rollups_bench() {
    local insert_table insert_file
    # Not in a command substitution: its subshell would keep the twin stacks' pids from the exit
    # trap, and run without `set -e`.
    insert_file="$(mktemp)"
    rollups_insert_bench >"$insert_file"
    insert_table="$(cat "$insert_file")"
    rm -f "$insert_file"
    rollups_scale_bench
    cat <<EOT

## Stage-latency rollups benchmark

Insert throughput: ${INSERT_STATEMENTS:-400} statements of ${INSERT_BATCH:-100} events as authenticated, each in its own transaction, sent in turn to twin databases with and without the rollup trigger, one bench user with ${ROLLUPS_JOBS:-5000} jobs (target: on >= 0.85x of off):

| workload | timed | trigger on: p10 / p50 / mean ms per statement | trigger off: p10 / p50 / mean | events/s at p50, on / off | on / off |
| --- | --- | --- | --- | --- | ---: |
$insert_table

Loading: 1M events in one statement with the rollup trigger on: $load_on_s s; 10M in 1M chunks with it off: $load_off_s s, then rebuild_stage_rollups() over $events_10m events: $rebuild_s s.

Dashboard reads through PostgREST, p50 ms at $events_1m and $events_10m events (heavy user: $heavy_events at 10M), two databases each behind its own PostgREST and read in turn, ${HTTP_READS:-100} reads each after 5 warm-up rounds (targets: p50 <= 50 ms at 10M and <= 1.5x its 1M figure):

| user | read | rows | p50 at 1M | p50 at 10M | ratio | target |
| --- | --- | ---: | ---: | ---: | ---: | --- |
$(rollups_read_table heavy "$heavy")
$(rollups_read_table typical "$typical")

Load average (1, 5, 15 min) at the end: $(cut -d' ' -f1-3 /proc/loadavg), on $(nproc) cores
EOT
}
