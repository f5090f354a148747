# The dashboard's build, which the gateway serves at /dashboard/. Sourced.

DASHBOARD_DIR="$ROOT_DIR/apps/dashboard"

# True when dist/ is missing or older than anything it is built from: the page's sources, the
# pinned dependencies, the generated types, or the local anon key baked into config.json.
dashboard_stale() {
    local built="$DASHBOARD_DIR/dist/dashboard.js"
    [[ -f "$built" && -f "$DASHBOARD_DIR/dist/config.json" && -f "$DASHBOARD_DIR/dist/index.html" ]] ||
        return 0
    [[ -n "$(find "$DASHBOARD_DIR/src" "$DASHBOARD_DIR/index.html" "$DASHBOARD_DIR/dashboard.css" \
        "$DASHBOARD_DIR/build.ts" "$DASHBOARD_DIR/deno.json" "$ROOT_DIR/deno.lock" \
        "$ROOT_DIR/supabase/functions/_shared/database.types.ts" "$STATE_DIR/keys.env" \
        -newer "$built" -print -quit 2>/dev/null)" ]]
}

# Builds the dashboard for the local stack when it is stale. SUPABASE_URL and SUPABASE_ANON_KEY
# from a hosted project's shell must not leak into the local build: the page would sign in there.
ensure_dashboard_built() {
    if ! dashboard_stale; then
        ok "dashboard build is current (apps/dashboard/dist)"
        return
    fi
    info "building the dashboard (apps/dashboard/dist; log: ${LOG_DIR#"$ROOT_DIR"/}/dashboard-build.log)"
    (cd "$DASHBOARD_DIR" && env -u SUPABASE_URL -u SUPABASE_ANON_KEY ANON_KEY="$ANON_KEY" \
        "$(deno_bin)" task build) >"$LOG_DIR/dashboard-build.log" 2>&1 ||
        die "the dashboard did not build" "see $LOG_DIR/dashboard-build.log"
    ok "dashboard built"
}
