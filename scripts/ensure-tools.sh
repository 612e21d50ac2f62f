#!/usr/bin/env bash
# Installs what the tests need and a fresh machine lacks: Debian packages (as root, or through
# passwordless sudo) and the npm dependencies (when node_modules is missing or older than
# package-lock.json). Quiet when everything is there. Outside CI it never fails for want of
# root: it says what is missing. Under CI=true a package it cannot install is an error.
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
  "sha256sum:coreutils"
  "tar:tar"
  "gzip:gzip"
)

find_tool() {
  local dir
  command -v "$1" 2>/dev/null && return 0
  for dir in /usr/local/sbin /usr/local/bin /usr/sbin /usr/bin /sbin /bin; do
    [ -x "$dir/$1" ] && echo "$dir/$1" && return 0
  done
  return 1
}

missing=()
for entry in "${tools[@]}"; do
  find_tool "${entry%%:*}" >/dev/null || missing+=("${entry#*:}")
done
# Tests copy busybox into images and run it there: it must be the static build.
if busybox="$(find_tool busybox)" && ldd "$busybox" >/dev/null 2>&1; then
  missing+=("busybox-static")
fi
# Buildah needs an OCI runtime; apt installs it only as a recommendation, which may be off.
find_tool crun >/dev/null || find_tool runc >/dev/null || missing+=("crun")
# CA certificates are a file, not a command.
[ -s /etc/ssl/certs/ca-certificates.crt ] || missing+=("ca-certificates")

if [ "${#missing[@]}" -gt 0 ]; then
  sudo=()
  can_install=false
  if [ "$(id -u)" -eq 0 ]; then
    can_install=true
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo=(sudo -n)
    can_install=true
  fi
  command -v apt-get >/dev/null 2>&1 || can_install=false
  if [ "$can_install" = true ]; then
    echo "ensure-tools: installing ${missing[*]}"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "ensure-tools: missing Debian packages: ${missing[*]}" >&2
    echo "ensure-tools: install them with: sudo apt-get install -y ${missing[*]}" >&2
    if [ "${CI:-}" = "true" ]; then exit 1; fi
  fi
fi

cd "$root"
if [ ! -d node_modules ] || [ ! -e node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "ensure-tools: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi
