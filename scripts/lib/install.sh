# Installs what the stack needs: apt packages (as root) and the pinned npm tools. Sourced.

missing_apt_packages() {
    local pkg
    for pkg in "${APT_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || printf '%s\n' "$pkg"
    done
}

ensure_apt_packages() {
    local missing
    mapfile -t missing < <(missing_apt_packages)
    if ((${#missing[@]} == 0)); then
        ok "apt packages present (${APT_PACKAGES[*]})"
        return
    fi
    if ((EUID != 0)); then
        die "missing Debian packages: ${missing[*]}" \
            "install them as root, then run this again:" \
            "  sudo apt-get update && sudo apt-get install -y ${missing[*]}"
    fi
    info "installing ${missing[*]} with apt-get (about a minute)"
    apt-get update -qq >"$LOG_DIR/apt.log" 2>&1 ||
        die "apt-get update failed" "see $LOG_DIR/apt.log"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >>"$LOG_DIR/apt.log" 2>&1 ||
        die "apt-get install failed" "see $LOG_DIR/apt.log"
    # Debian's postgresql-common may create and start a default cluster on 5432; the stack runs
    # its own cluster, so that one is left alone but never relied on.
    ok "installed ${missing[*]}"
}

# A stamp of the lock file that was installed, so that a changed pin reinstalls.
lock_stamp() {
    sha256sum "$TOOLS_DIR/package-lock.json" | cut -d' ' -f1
}

ensure_npm_tools() {
    local stamp="$TOOLS_DIR/node_modules/.installed-lock.sha256"
    if [[ -x "$SUPABASE_CLI" && -x "$POSTGREST_BIN" && -f "$stamp" ]] && deno_bin >/dev/null &&
        [[ "$(cat "$stamp")" == "$(lock_stamp)" ]]; then
        ok "npm tools present (deno, supabase, postgrest, postgres-meta)"
        return
    fi
    command -v npm >/dev/null || die "npm is not installed" "install Node.js 20 and npm, then run this again"
    info "installing pinned npm tools from tools/package-lock.json (deno, supabase, postgrest, postgres-meta)"
    npm ci --prefix "$TOOLS_DIR" --no-audit --no-fund --loglevel=error >"$LOG_DIR/npm.log" 2>&1 ||
        die "npm ci failed in tools/" "see $LOG_DIR/npm.log"
    deno_bin >/dev/null || die "the deno binary is missing after npm ci" "see $LOG_DIR/npm.log"
    lock_stamp >"$stamp"
    ok "installed npm tools"
}

# Deno fetches the function's npm imports once, from deno.lock, so that serving never waits on
# the registry.
ensure_deno_deps() {
    local deno
    deno="$(deno_bin)"
    info "caching Deno dependencies from deno.lock"
    (cd "$ROOT_DIR" && "$deno" install --frozen --quiet) >"$LOG_DIR/deno-install.log" 2>&1 ||
        die "deno install failed" "see $LOG_DIR/deno-install.log"
    ok "Deno dependencies cached"
}

# Chromium for the browser tests only (Debian's build, driven by playwright-core): about 70 s and
# a few hundred MB to install, so the stack itself never waits for it.
ensure_chromium() {
    if command -v chromium >/dev/null; then
        ok "chromium present ($(command -v chromium))"
        return
    fi
    if ((EUID != 0)); then
        die "chromium is missing; the browser tests need it" \
            "install it as root, then run this again:" \
            "  sudo apt-get update && sudo apt-get install -y chromium"
    fi
    info "installing chromium with apt-get (about a minute)"
    apt-get update -qq >"$LOG_DIR/apt-chromium.log" 2>&1 ||
        die "apt-get update failed" "see $LOG_DIR/apt-chromium.log"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >>"$LOG_DIR/apt-chromium.log" 2>&1 ||
        die "apt-get install chromium failed" "see $LOG_DIR/apt-chromium.log"
    ok "installed chromium"
}

ensure_installed() {
    step "Checking tools"
    ensure_apt_packages
    ensure_npm_tools
    ensure_deno_deps
}
