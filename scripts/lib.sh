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
