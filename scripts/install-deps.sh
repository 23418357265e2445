#!/usr/bin/env bash
# Installs what a bare Debian/Ubuntu machine lacks to build and run RL: MuJoCo 2.2.2 (runtime and headers,
# from Debian's own packages) and gcc (it compiles the small MuJoCo shim). Does nothing when all is present.
# Needs root or password-less sudo to install; otherwise says exactly what to run.
set -euo pipefail

packages=(libmujoco2.2.2 libmujoco-dev gcc libc6-dev)

die() { echo "install-deps: $*" >&2; exit 1; }

command -v dotnet >/dev/null 2>&1 || die "the .NET 10 SDK is not on PATH. Install it (https://learn.microsoft.com/dotnet/core/install/linux-debian), then run this again."

if ! command -v dpkg-query >/dev/null 2>&1; then
  # Not a Debian-family system: check the files instead of packages.
  [ -f /usr/include/mujoco/mujoco.h ] || die "MuJoCo 2.2.2 headers (/usr/include/mujoco/mujoco.h) not found and this is not a Debian-family system; install MuJoCo 2.2.2 and gcc by hand."
  command -v gcc >/dev/null 2>&1 || die "gcc not found; install it."
  exit 0
fi

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [ "$status" = "install ok installed" ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo=(sudo)
else
  die "missing packages: ${missing[*]}. Run: sudo apt-get install -y ${missing[*]}"
fi

echo "install-deps: installing ${missing[*]} with apt-get" >&2
export DEBIAN_FRONTEND=noninteractive
if ! "${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
  # A bare machine often has no package lists yet.
  "${sudo[@]}" apt-get update -qq || die "apt-get update failed"
  "${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}" \
    || die "apt-get could not install ${missing[*]} (MuJoCo 2.2.2 is in Debian 12 'bookworm' and Ubuntu 23.04+)."
fi
