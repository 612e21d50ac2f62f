#!/usr/bin/env bash
# Installs what the tests need and a fresh machine lacks: Debian packages (when root) and the
# npm dependencies (when node_modules is missing or older than package-lock.json).
# Quiet when everything is there. Never fails for want of root: it says what is missing.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# command -> Debian package
tools=(
  "docker-registry:docker-registry"
  "skopeo:skopeo"
  "buildah:buildah"
  "umoci:umoci"
  "busybox:busybox-static"
  "openssl:openssl"
  "htpasswd:apache2-utils"
  "curl:curl"
  "git:git"
)

have() {
  command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || [ -x "/usr/bin/$1" ] || [ -x "/bin/$1" ] || [ -x "/sbin/$1" ]
}

missing=()
for entry in "${tools[@]}"; do
  have "${entry%%:*}" || missing+=("${entry#*:}")
done
# CA certificates are a file, not a command.
[ -s /etc/ssl/certs/ca-certificates.crt ] || missing+=("ca-certificates")

if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "ensure-tools: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "ensure-tools: missing Debian packages: ${missing[*]}" >&2
    echo "ensure-tools: install them with: sudo apt-get install -y ${missing[*]}" >&2
  fi
fi

cd "$root"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ] || [ ! -e node_modules/.package-lock.json ]; then
  echo "ensure-tools: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi
