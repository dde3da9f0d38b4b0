# Shared by scripts/run and scripts/test: install what is missing, say what is going on.

say() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }

# System packages, by component. Each component's owner edits only its own lines.
SERVER_PACKAGES=(gcc libc6-dev pkg-config)
# The fault tests hold a lock on the database with the sqlite3 shell.
FAULT_TEST_PACKAGES=(sqlite3)
# The tables' QR codes are read back from the SVG (librsvg) and the printed PDF sheet (poppler,
# with poppler-data and a CJK font for its Chinese text).
TABLES_TEST_PACKAGES=(librsvg2-bin poppler-utils poppler-data fonts-wqy-microhei)
# The customer page and kitchen board are tested in Debian's Chromium, driven by Playwright.
WEB_TEST_PACKAGES=(chromium fonts-wqy-microhei)
# The desktop app (Tauri 2): what it builds against, and what its tests need.
DESKTOP_BUILD_PACKAGES=(libwebkit2gtk-4.1-dev libgtk-3-dev libayatana-appindicator3-dev librsvg2-dev
  libxdo-dev libssl-dev libasound2-dev pkg-config build-essential file)
# A display, a session bus with a notification daemon, tools to watch them, audio measuring,
# CJK fonts for the window, Chromium for the UI tests (Node.js and npm come with the machine).
DESKTOP_TEST_PACKAGES=(xvfb dbus dunst imagemagick sox fonts-wqy-microhei chromium)

# Install Debian/Ubuntu packages that are not installed yet (root, or through sudo).
apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  say "installing system packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# The push path's benchmark (scripts/bench) and its smoke test run nginx with nchan beside Orderbell.
BENCH_PACKAGES=(nginx libnginx-mod-nchan)

# Scale-out tests (issue 15): PostgreSQL, Redis and nginx beside the server, each on loopback with a
# private port and folder (tests/src/services/).
SCALEOUT_TEST_PACKAGES=(postgresql redis-server nginx)

# Node.js for the browser tests (Playwright drives Chromium from it).
need_node() {
  command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || apt_install nodejs npm
}

need_rust() {
  if ! command -v cargo >/dev/null 2>&1; then
    echo "Orderbell needs Rust 1.95 or newer (cargo). Install it with rustup, then run this again." >&2
    exit 1
  fi
}

# System printers (CUPS): cupsd, and lp/lpstat/lpadmin for the desktop app's CUPS path and its test.
CUPS_TEST_PACKAGES=(cups cups-client cups-bsd)

# A private cupsd on loopback for the CUPS test, started by start_test_cupsd and stopped by PID in
# stop_test_cupsd. Everything lives in a temporary folder: config, spool, logs, and the printed
# bytes. It exports CUPS_TEST_PID, ORDERBELL_TEST_CUPS_SERVER (127.0.0.1:<port>),
# ORDERBELL_TEST_CUPS_QUEUE (a raw queue, as a USB thermal printer is set up),
# ORDERBELL_TEST_CUPS_OUTPUT (the file its device writes) and ORDERBELL_TEST_CUPS_PAUSED_QUEUE
# (a raw queue that is disabled, as CUPS leaves one whose printer was unplugged).
#
# The raw queues write through CUPS's `parallel` backend into a plain file: a `file:` device
# does not work for raw queues (cupsd copies to a file: device only through the last filter, and
# a raw queue runs none, so the job "completes" and nothing is written), and CUPS 2.4 still
# accepts `-m raw` with a deprecation warning.
start_test_cupsd() {
  local dir port attempt
  dir=$(mktemp -d "${TMPDIR:-/tmp}/orderbell-cups.XXXXXX")
  # The backends run as the user lp: they must reach the output files.
  chmod 755 "$dir"
  mkdir -p "$dir/spool" "$dir/cache" "$dir/state" "$dir/log" "$dir/tmp"
  chmod 1777 "$dir/tmp"
  : >"$dir/printed.bin"
  : >"$dir/paused.bin"
  chmod 666 "$dir/printed.bin" "$dir/paused.bin"
  cat >"$dir/cups-files.conf" <<CONF
ServerRoot $dir
RequestRoot $dir/spool
CacheDir $dir/cache
StateDir $dir/state
TempDir $dir/tmp
AccessLog $dir/log/access_log
ErrorLog $dir/log/error_log
PageLog $dir/log/page_log
Printcap $dir/printcap
FileDevice Yes
CONF
  for attempt in 1 2 3 4 5; do
    port=$((20000 + RANDOM % 30000))
    cat >"$dir/cupsd.conf" <<CONF
Listen 127.0.0.1:$port
Browsing No
BrowseLocalProtocols none
DefaultAuthType None
WebInterface No
LogLevel info
<Location />
  Order allow,deny
  Allow 127.0.0.1
</Location>
CONF
    cupsd -f -c "$dir/cupsd.conf" -s "$dir/cups-files.conf" >"$dir/log/cupsd.out" 2>&1 &
    CUPS_TEST_PID=$!
    for _ in $(seq 100); do
      kill -0 "$CUPS_TEST_PID" 2>/dev/null || break
      LC_ALL=C CUPS_SERVER="127.0.0.1:$port" lpstat -r 2>/dev/null | grep -q "is running" && break
      sleep 0.1
    done
    if LC_ALL=C CUPS_SERVER="127.0.0.1:$port" lpstat -r 2>/dev/null | grep -q "is running"; then
      break
    fi
    # The port was taken (or cupsd failed): try another.
    kill "$CUPS_TEST_PID" 2>/dev/null || true
    wait "$CUPS_TEST_PID" 2>/dev/null || true
    CUPS_TEST_PID=""
  done
  if [ -z "$CUPS_TEST_PID" ]; then
    echo "cupsd did not start:" >&2
    cat "$dir/log/cupsd.out" "$dir/log/error_log" >&2 2>/dev/null || true
    return 1
  fi
  CUPS_TEST_DIR=$dir
  export CUPS_TEST_PID
  export ORDERBELL_TEST_CUPS_SERVER="127.0.0.1:$port"
  export ORDERBELL_TEST_CUPS_QUEUE=orderbell-test
  export ORDERBELL_TEST_CUPS_PAUSED_QUEUE=orderbell-test-paused
  export ORDERBELL_TEST_CUPS_OUTPUT="$dir/printed.bin"
  add_test_cups_queue "$ORDERBELL_TEST_CUPS_QUEUE" "$dir/printed.bin" || return 1
  add_test_cups_queue "$ORDERBELL_TEST_CUPS_PAUSED_QUEUE" "$dir/paused.bin" || return 1
  CUPS_SERVER="$ORDERBELL_TEST_CUPS_SERVER" cupsdisable "$ORDERBELL_TEST_CUPS_PAUSED_QUEUE"
}

# A raw queue (no driver: the bytes go to the printer as sent) writing into FILE.
add_test_cups_queue() {
  local out
  # lpadmin warns that raw queues are deprecated; say it only if lpadmin fails.
  out=$(CUPS_SERVER="$ORDERBELL_TEST_CUPS_SERVER" lpadmin -p "$1" -E -v "parallel:$2" -m raw 2>&1) \
    || { echo "lpadmin failed for $1: $out" >&2; return 1; }
}

stop_test_cupsd() {
  if [ -n "${CUPS_TEST_PID:-}" ]; then
    kill "$CUPS_TEST_PID" 2>/dev/null || true
    wait "$CUPS_TEST_PID" 2>/dev/null || true
    CUPS_TEST_PID=""
  fi
  [ -n "${CUPS_TEST_DIR:-}" ] && rm -rf "$CUPS_TEST_DIR"
  CUPS_TEST_DIR=""
}

# Scale-out (issue 15): PostgreSQL, Redis and nginx for the second e2e pass and the scale-out tests.
SCALEOUT_TEST_PACKAGES=(postgresql redis-server nginx)

# A private PostgreSQL cluster on loopback for the suite's PostgreSQL pass, started by
# start_test_postgres and stopped by PID in stop_test_postgres. initdb refuses root, so the
# cluster belongs to the user postgres; setpriv (not runuser, which stays as a parent that ignores
# SIGINT) makes the server itself the process whose PID we keep. It exports POSTGRES_TEST_PID and
# ORDERBELL_TEST_DATABASE_URL (the admin URL: each test server creates its own database with it).
start_test_postgres() {
  local bin dir port attempt
  bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  dir=$(mktemp -d "${TMPDIR:-/tmp}/orderbell-pg.XXXXXX")
  chown postgres "$dir"
  runuser -u postgres -- "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 \
    >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; return 1; }
  for attempt in 1 2 3 4 5; do
    port=$((20000 + RANDOM % 30000))
    # Many test servers at once, each with its own pool: room for their connections.
    setpriv --reuid=postgres --regid=postgres --init-groups -- "$bin/postgres" -D "$dir/data" -p "$port" -k "$dir" -h 127.0.0.1 \
      -c max_connections=500 -c fsync=off >"$dir/postgres.log" 2>&1 &
    POSTGRES_TEST_PID=$!
    for _ in $(seq 100); do
      kill -0 "$POSTGRES_TEST_PID" 2>/dev/null || break
      "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" && break
      sleep 0.1
    done
    "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" && break
    # The port was taken (or postgres failed): try another.
    kill "$POSTGRES_TEST_PID" 2>/dev/null || true
    wait "$POSTGRES_TEST_PID" 2>/dev/null || true
    POSTGRES_TEST_PID=""
  done
  if [ -z "$POSTGRES_TEST_PID" ]; then
    echo "postgres did not start:" >&2
    cat "$dir/postgres.log" >&2
    return 1
  fi
  POSTGRES_TEST_DIR=$dir
  export POSTGRES_TEST_PID
  export ORDERBELL_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres"
}

stop_test_postgres() {
  if [ -n "${POSTGRES_TEST_PID:-}" ]; then
    # SIGINT: PostgreSQL's fast shutdown (disconnect clients, stop at once).
    kill -INT "$POSTGRES_TEST_PID" 2>/dev/null || true
    wait "$POSTGRES_TEST_PID" 2>/dev/null || true
    POSTGRES_TEST_PID=""
  fi
  [ -n "${POSTGRES_TEST_DIR:-}" ] && rm -rf "$POSTGRES_TEST_DIR"
  POSTGRES_TEST_DIR=""
  unset ORDERBELL_TEST_DATABASE_URL
}
