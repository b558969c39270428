#!/usr/bin/env bash
# Installs the Debian tools the tests drive for real: a software TPM (swtpm) and tpm2-tools.
# Tests that need them skip loudly when they truly cannot exist (no root, no apt).
set -u
need=()
command -v swtpm >/dev/null 2>&1 || need+=(swtpm swtpm-tools)
command -v tpm2_quote >/dev/null 2>&1 || need+=(tpm2-tools)
[ ${#need[@]} -eq 0 ] && { echo "system tools present: swtpm, tpm2-tools"; exit 0; }
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "!! cannot install ${need[*]} (not root or no apt-get): TPM tests will be skipped" >&2
  exit 0
fi
echo "installing ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null 2>&1 || true
apt-get install -y -qq "${need[@]}" >/dev/null 2>&1 || echo "!! apt-get install ${need[*]} failed: TPM tests will be skipped" >&2
exit 0
