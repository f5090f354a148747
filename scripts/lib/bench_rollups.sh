# shellcheck shell=bash
# `scripts/bench-db --rollups`: the stage-latency rollups at scale, sourced by scripts/bench-db
# (which defines say, run_psql, median, BENCH_SQL, DB_URL and ROOT_DIR):
#   1. insert throughput with and without the rollup trigger, statement by statement in turn on two
#      twin databases (no DDL between the arms), for a mixed workload (one event in 5 a stage event)
#      and for stage events only;
#   2. 1M events (1,000 users, the heavy user holding 10%) loaded with the trigger on, then every
#      dashboard read through PostgREST, for the heavy user and a typical one;
#   3. grown to 10M events (the heavy user holding 1M) with the trigger off, the rollups rebuilt,
#      then the same reads: p50 at most 50 ms, and at most 1.5x its figure at 1M.
# Knobs (environment): INSERT_STATEMENTS (400), INSERT_BATCH (100), ROLLUPS_JOBS (5000: the insert
#   bench user's jobs), HTTP_READS (100),
#   GROW_CHUNKS (9: each adds 1M events), SCALE_USERS (1000), and per user and chunk HEAVY_JOBS
#   (4000), HEAVY_FILLER (60000), TYPICAL_JOBS (2), TYPICAL_FILLER (880).

# Two twin databases migrated from this checkout, with one bench user, ROLLUPS_JOBS jobs and no
# ingest limit: ROLLUPS_ON with the rollup trigger, ROLLUPS_OFF a copy without it.
rollups_twin_databases() {
    local on_url
    ROLLUPS_ON=track_event_rollups_bench_on ROLLUPS_OFF=track_event_rollups_bench_off
    on_url="$(database_url "$DB_URL" "$ROLLUPS_ON")"
    rollups_drop_twins
    create_migrated_database "$DB_URL" "$ROLLUPS_ON"
    psql "$on_url" -X -q -v ON_ERROR_STOP=1 -v prefix=insert -v users=1 -v jobs_per_user="${ROLLUPS_JOBS:-5000}" \
        -f "$BENCH_SQL/create_users.sql"
    psql "$on_url" -X -q -v ON_ERROR_STOP=1 -c "insert into private.ingest_limits
        select id, 1e9, 2000000000 from auth.users where raw_user_meta_data ->> 'bench_prefix' = 'insert'"
    # pg_cron's scheduler may hold a connection to any database; a template must have none.
    psql "$on_url" -X -q -c "select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()" >/dev/null
    run_psql -c "create database $ROLLUPS_OFF template $ROLLUPS_ON"
    psql "$(database_url "$DB_URL" "$ROLLUPS_OFF")" -X -q -v ON_ERROR_STOP=1 \
        -c 'drop trigger roll_up_stage_events on public.analytics_events'
    ROLLUPS_UID="$(psql "$on_url" -X -At -c "select id from auth.users where raw_user_meta_data ->> 'bench_prefix' = 'insert'")"
}

rollups_drop_twins() {
    run_psql -c "drop database if exists track_event_rollups_bench_on with (force)" \
        -c "drop database if exists track_event_rollups_bench_off with (force)"
}

rollups_insert_bench() {
    local statements="${INSERT_STATEMENTS:-400}" batch="${INSERT_BATCH:-100}" every
    for every in 5 1; do
        # Fresh twins per workload, so that every run of a job's stage is its first, as in a
        # pipeline that makes new jobs.
        say "rollups part 1: twin databases with and without the rollup trigger, one bench user with ${ROLLUPS_JOBS:-5000} jobs"
        rollups_twin_databases
        say "rollups part 1: $statements statements of $batch events, one in $every a stage event, each twin in turn"
        (cd "$ROOT_DIR" && "$(deno_bin)" run --allow-net=127.0.0.1 --allow-env --allow-read \
            scripts/load/rollup_insert_bench.ts --on "$(database_url "$DB_URL" "$ROLLUPS_ON")" \
            --off "$(database_url "$DB_URL" "$ROLLUPS_OFF")" --user "$ROLLUPS_UID" \
            --statements "$statements" --batch "$batch" --stage-every "$every") |
            awk -v every="$every" -v batch="$batch" '
                { k = $1 " " $2; p10[k] = $4; p50[k] = $5; mean[k] = $6 }
                END {
                    label = every == 1 ? "stage events only" : "one event in " every " a stage event"
                    for (i = 1; i <= 2; i++) {
                        t = i == 1 ? "server" : "round_trip"
                        on = "on " t; off = "off " t
                        printf "| %s | %s | %s / %s / %s | %s / %s / %s | %.0f / %.0f | %.2fx |\n",
                            label, i == 1 ? "in the server" : "round trip, commit included",
                            p10[on], p50[on], mean[on], p10[off], p50[off], mean[off],
                            batch / p50[on] * 1000, batch / p50[off] * 1000, p50[off] / p50[on]
                    }
                }'
    done
    rollups_drop_twins
}

# Prints one JSON line of p50s for the user with this bench_n, through PostgREST.
rollups_read_bench() {
    local n="$1" uid
    uid="$(run_psql -At -c "select id from auth.users where raw_user_meta_data ->> 'bench_prefix' = 'scale' and (raw_user_meta_data ->> 'bench_n')::integer = $n")"
    (cd "$ROOT_DIR" && "$(deno_bin)" run --allow-net=127.0.0.1 --allow-env --allow-read --allow-run \
        scripts/load/read_bench.ts --user "$uid" --reads "${HTTP_READS:-100}" --days 30 --json) | grep '^{'
}

# After a load: fresh statistics and visibility maps, and the load's dirty pages written out, so
# that the reads after it are not timed against the load's own write-back (in a run without the
# checkpoint, even the one-row job count read 1.55x slower at 10M than at 1M).
rollups_settle() {
    run_psql -c 'vacuum (analyze) public.analytics_events' -c 'vacuum (analyze) public.jobs' \
        -c 'vacuum (analyze) rollups.job_stages' -c 'vacuum (analyze) rollups.stage_latency_days' \
        -c 'vacuum (analyze) rollups.stage_latency_day_blocks' -c 'vacuum (analyze) rollups.stage_latency_totals' \
        -c 'vacuum (analyze) rollups.job_counts' -c 'checkpoint'
}

rollups_load_chunk() { # chunk
    run_psql -v prefix=scale -v chunk="$1" -v heavy_jobs="${HEAVY_JOBS:-4000}" \
        -v heavy_filler="${HEAVY_FILLER:-60000}" -v typical_jobs="${TYPICAL_JOBS:-2}" \
        -v typical_filler="${TYPICAL_FILLER:-880}" -f "$BENCH_SQL/load_stage_history.sql"
}

rollups_scale_bench() {
    local chunks="${GROW_CHUNKS:-9}" t0 chunk
    TYPICAL_N=$(((${SCALE_USERS:-1000} + 1) / 2))
    say "rollups part 2: 1,000 bench users; user 1 is the heavy one"
    run_psql -v prefix=scale -v users="${SCALE_USERS:-1000}" -v jobs_per_user=0 -f "$BENCH_SQL/create_users.sql"
    say "rollups part 2: loading 1M events in one statement with the rollup trigger on"
    t0="$(date +%s.%N)"
    rollups_load_chunk 0
    load_on_s="$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')"
    say "    $load_on_s s"
    rollups_settle
    events_1m="$(run_psql -At -c 'select count(*) from public.analytics_events')"
    say "part 2: reads at $events_1m events (heavy user, then a typical one)"
    heavy_1m="$(rollups_read_bench 1)" typical_1m="$(rollups_read_bench "$TYPICAL_N")"

    say "rollups part 3: growing by $chunks chunks of 1M events with the rollup trigger off"
    run_psql -c 'alter table public.analytics_events disable trigger roll_up_stage_events'
    t0="$(date +%s.%N)"
    for ((chunk = 1; chunk <= chunks; chunk++)); do
        say "    chunk $chunk/$chunks"
        rollups_load_chunk "$chunk"
    done
    load_off_s="$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')"
    run_psql -c 'alter table public.analytics_events enable trigger roll_up_stage_events'
    say "    loaded in $load_off_s s; rebuilding the rollups from the raw events"
    t0="$(date +%s.%N)"
    run_psql -c 'select rollups.rebuild_stage_rollups()'
    rebuild_s="$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')"
    say "    rebuilt in $rebuild_s s; vacuum analyze"
    rollups_settle
    events_10m="$(run_psql -At -c 'select count(*) from public.analytics_events')"
    heavy_events="$(run_psql -At -c "select count(*) from public.analytics_events as e join auth.users as u on u.id = e.user_id where u.raw_user_meta_data ->> 'bench_prefix' = 'scale' and (u.raw_user_meta_data ->> 'bench_n')::integer = 1")"
    say "part 3: reads at $events_10m events (heavy user $heavy_events)"
    heavy_10m="$(rollups_read_bench 1)" typical_10m="$(rollups_read_bench "$TYPICAL_N")"
}

# A Markdown table of p50s at 1M and 10M and their ratio, per read, for one user.
rollups_read_table() { # label json_1m json_10m
    "$(deno_bin)" eval --quiet "
        const [label, a, b] = Deno.args;
        const small = JSON.parse(a).p50_ms, large = JSON.parse(b).p50_ms, rows = JSON.parse(b).rows;
        for (const name of Object.keys(large)) {
          const ratio = large[name] / small[name];
          const ok = large[name] <= 50 && ratio <= 1.5 ? 'met' : 'NOT MET';
          console.log('| ' + label + ' | ' + name + ' | ' + rows[name] + ' | ' + small[name].toFixed(1) + ' | ' +
            large[name].toFixed(1) + ' | ' + ratio.toFixed(2) + 'x | ' + ok + ' |');
        }" "$1" "$2" "$3"
}

rollups_bench() {
    local insert_table
    insert_table="$(rollups_insert_bench)"
    rollups_scale_bench
    cat <<EOT

## Stage-latency rollups benchmark

Insert throughput: ${INSERT_STATEMENTS:-400} statements of ${INSERT_BATCH:-100} events as authenticated, each in its own transaction, sent in turn to twin databases with and without the rollup trigger, one bench user with ${ROLLUPS_JOBS:-5000} jobs (target: on >= 0.85x of off):

| workload | timed | trigger on: p10 / p50 / mean ms per statement | trigger off: p10 / p50 / mean | events/s at p50, on / off | on / off |
| --- | --- | --- | --- | --- | ---: |
$insert_table

Loading: 1M events in one statement with the rollup trigger on: $load_on_s s; 9M more in 1M chunks with it off: $load_off_s s, then rebuild_stage_rollups() over $events_10m events: $rebuild_s s.

Dashboard reads through PostgREST, p50 ms at $events_1m and $events_10m events (heavy user: $heavy_events at 10M), ${HTTP_READS:-100} reads each after 5 warm-up rounds (targets: p50 <= 50 ms at 10M and <= 1.5x its 1M figure):

| user | read | rows | p50 at 1M | p50 at 10M | ratio | target |
| --- | --- | ---: | ---: | ---: | ---: | --- |
$(rollups_read_table heavy "$heavy_1m" "$heavy_10m")
$(rollups_read_table typical "$typical_1m" "$typical_10m")

Load average (1, 5, 15 min) at the end: $(cut -d' ' -f1-3 /proc/loadavg), on $(nproc) cores
EOT
}
