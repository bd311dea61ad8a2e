#!/usr/bin/env bash
# A software Vulkan device for the trainer's WebGPU test: Dawn (the `webgpu` package) needs a Vulkan driver, and
# Debian 12's own lavapipe (Mesa 22) is too old for it; Mesa 25's lavapipe from bookworm-backports works.
# Idempotent: does nothing when a lavapipe ICD from Mesa >= 25 is already installed.
set -euo pipefail

installed=$(dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null || true)
if [[ "$installed" =~ ^25\. ]] || [[ "$installed" =~ ^2[6-9]\. ]]; then
  echo "vulkan: mesa-vulkan-drivers $installed already installed"
  exit 0
fi

sources=/etc/apt/sources.list.d/bookworm-backports.sources
if [[ ! -f "$sources" ]]; then
  cat >"$sources" <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
fi
export DEBIAN_FRONTEND=noninteractive
# Three tries: a mirror hiccup should not fail CI.
for attempt in 1 2 3; do
  if apt-get update -qq && apt-get install -y -qq --no-install-recommends -t bookworm-backports \
    mesa-vulkan-drivers libvulkan1 >/dev/null; then
    break
  fi
  [[ $attempt == 3 ]] && { echo "vulkan: could not install mesa-vulkan-drivers from bookworm-backports" >&2; exit 1; }
  sleep $((attempt * 10))
done
echo "vulkan: installed mesa-vulkan-drivers $(dpkg-query -W -f='${Version}' mesa-vulkan-drivers)"
