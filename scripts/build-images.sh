#!/usr/bin/env bash
# Builds the qf-serving image for linux/amd64 and linux/arm64 from the real Dockerfile without a
# Docker engine or a registry, then saves both platforms in one OCI archive.
#
#   1. base images: Debian (debootstrap) with OpenJDK 25's JRE, one per architecture; the root
#      filesystems are cached in $IMAGE_WORK_DIR/base and reused on later runs;
#   2. a JDK image for the Dockerfile's build stage (the base plus openjdk-25-jdk-headless);
#   3. buildah bud --platform linux/amd64,linux/arm64 into a manifest list, and a check that each
#      image's binaries are its platform's;
#   4. the manifest list pushed to an OCI archive, checked with skopeo inspect --raw, and the
#      image size printed per architecture.
#
# Run as root. Needs buildah, skopeo, debootstrap and, on x86_64, qemu-user-static with binfmt.
# The arm64 image's build runs the server once under qemu (the JDK AOT cache's training run), which
# needs qemu-user 10 as ONNX Runtime does (see run-image-smoke.sh).
# Settings: QF_PLATFORM_ARCHES (default "amd64 arm64"), QF_IMAGE (name of the manifest list), QF_IMAGE_ARCHIVE, QF_IMAGE_WORK_DIR,
# QF_DEBIAN_SUITE (default trixie, which has openjdk-25), QF_DEBIAN_MIRROR, QF_BUILD_CA_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/images.sh

DEBIAN_SUITE=${QF_DEBIAN_SUITE:-trixie}
DEBIAN_MIRROR=${QF_DEBIAN_MIRROR:-http://deb.debian.org/debian}
BASE_IMAGE=localhost/qf-base-jre:$DEBIAN_SUITE
BUILD_IMAGE=localhost/qf-build-jdk:$DEBIAN_SUITE
BUILD_ARCH=$(dpkg --print-architecture)
BASE_PACKAGES=openjdk-25-jre-headless,curl   # curl serves the Dockerfile's HEALTHCHECK
# The build stage downloads Maven and the dependencies over HTTPS trusting what this machine
# trusts (PEM bundle and Java cacerts), so a TLS-inspecting proxy the host accepts works too.
BUILD_CA_DIR=${QF_BUILD_CA_DIR:-/etc/ssl/certs}

# A Debian root filesystem with the JRE for one architecture, as a tarball (cached).
base_rootfs_tarball() {
  local arch=$1 tarball=$IMAGE_WORK_DIR/base/debian-$DEBIAN_SUITE-jre-$arch.tar
  if [ ! -s "$tarball" ]; then
    local root started
    root=$(mktemp -d "${TMPDIR:-/tmp}/qf-rootfs-$arch.XXXXXX")
    started=$(date +%s)
    echo "debootstrap $DEBIAN_SUITE for $arch (first run only; several minutes, longer under qemu)" >&2
    nice -n 10 debootstrap --arch="$arch" --variant=minbase --include="$BASE_PACKAGES" \
      "$DEBIAN_SUITE" "$root" "$DEBIAN_MIRROR" >&2
    chroot "$root" apt-get clean
    rm -rf "$root"/var/lib/apt/lists/* "$root"/var/log/*.log "$root"/var/cache/debconf/*-old
    mkdir -p "$(dirname "$tarball")"
    tar -C "$root" --exclude='./dev/*' --exclude='./proc/*' --exclude='./sys/*' \
      -cf "$tarball.partial" . && mv "$tarball.partial" "$tarball"
    rm -rf "$root"
    echo "debootstrap $arch: $(seconds_since "$started") s" >&2
  fi
  echo "$tarball"
}

# One base image per architecture ($BASE_IMAGE-<arch>), listed in the manifest list $BASE_IMAGE
# from which each platform's build takes its own.
build_base_images() {
  buildah_ manifest rm "$BASE_IMAGE" >/dev/null 2>&1 || true
  buildah_ manifest create "$BASE_IMAGE" >/dev/null
  for arch in "${PLATFORM_ARCHES[@]}"; do
    if ! buildah_ inspect --type image "$BASE_IMAGE-$arch" >/dev/null 2>&1; then
      local tarball container variant=""
      [ "$arch" = arm64 ] && variant=v8
      tarball=$(base_rootfs_tarball "$arch")
      container=$(buildah_ from --arch "$arch" scratch)
      buildah_ add "$container" "$tarball" / >/dev/null
      buildah_ config --os linux --arch "$arch" ${variant:+--variant "$variant"} --cmd '["/bin/bash"]' \
        --env JAVA_HOME="/usr/lib/jvm/java-25-openjdk-$arch" "$container"
      buildah_ commit --rm "$container" "$BASE_IMAGE-$arch" >/dev/null
    fi
    buildah_ manifest add "$BASE_IMAGE" "$BASE_IMAGE-$arch" >/dev/null
  done
}

# The build stage runs on the build platform only, so one JDK image is enough.
build_jdk_image() {
  buildah_ inspect --type image "$BUILD_IMAGE" >/dev/null 2>&1 && return
  local container
  container=$(buildah_ from "$BASE_IMAGE-$BUILD_ARCH")
  buildah_ run --isolation chroot "$container" -- sh -c \
    'export DEBIAN_FRONTEND=noninteractive; apt-get update -q && apt-get install -y -q --no-install-recommends openjdk-25-jdk-headless && apt-get clean && rm -rf /var/lib/apt/lists/*'
  buildah_ commit --rm "$container" "$BUILD_IMAGE" >/dev/null
}

# buildah 1.28 does not set BUILDPLATFORM by itself (Docker's BuildKit does), so it is passed in.
build_service_images() {
  local platforms
  platforms=$(printf 'linux/%s,' "${PLATFORM_ARCHES[@]}")
  # A smoke run's pull of the archive leaves a plain image under the name: untag it too.
  buildah_ manifest rm "$IMAGE_NAME" >/dev/null 2>&1 || buildah_ rmi "$IMAGE_NAME" >/dev/null 2>&1 || true
  buildah_ bud --isolation chroot --layers --format docker --pull=never \
    --platform "${platforms%,}" --manifest "$IMAGE_NAME" \
    --build-arg BUILDPLATFORM="linux/$BUILD_ARCH" \
    --build-arg BASE_IMAGE="$BASE_IMAGE" --build-arg BUILD_IMAGE="$BUILD_IMAGE" \
    --volume "$BUILD_CA_DIR:/etc/ssl/certs:ro" \
    -f Dockerfile .
}

# The platform in each manifest is only a label: check the binaries really are that platform's,
# and print each image's unpacked size.
check_images() {
  local manifests
  manifests=$(buildah_ manifest inspect "$IMAGE_NAME")
  for arch in "${PLATFORM_ARCHES[@]}"; do
    local digest container root expected wrong unpacked_mb
    digest=$(jq -r --arg a "$arch" '.manifests[] | select(.platform.architecture == $a) | .digest' <<<"$manifests")
    container=$(buildah_ from --pull-never "$IMAGE_NAME@$digest")
    root=$(buildah_ mount "$container")
    expected=$([ "$arch" = arm64 ] && echo 'ARM aarch64' || echo 'x86-64')
    # Real files only: /usr/bin/java is an absolute symlink that would resolve on this host.
    wrong=$(file "$root"/usr/lib/jvm/*/bin/java "$root"/opt/qf-serving/native/* | grep -v "ELF.*$expected" || true)
    unpacked_mb=$(du -sm "$root" | cut -f1)
    buildah_ umount "$container" >/dev/null
    buildah_ rm "$container" >/dev/null
    if [ -n "$wrong" ]; then
      echo "linux/$arch image holds binaries of another architecture:" >&2
      echo "$wrong" >&2
      exit 1
    fi
    echo "linux/$arch: java and native libraries are $expected; unpacked $unpacked_mb MB"
  done
}

save_and_check_archive() {
  # The base images may come from the container storage's cache while the work folder is new.
  mkdir -p "$(dirname "$IMAGE_ARCHIVE")"
  rm -f "$IMAGE_ARCHIVE"
  buildah_ manifest push --quiet --all "$IMAGE_NAME" "oci-archive:$IMAGE_ARCHIVE:qf-serving" >/dev/null
  local index found expected
  index=$(skopeo inspect --raw "oci-archive:$IMAGE_ARCHIVE:qf-serving")
  found=$(jq -r '[.manifests[].platform | "\(.os)/\(.architecture)"] | sort | join(",")' <<<"$index")
  expected=$(printf 'linux/%s\n' "${PLATFORM_ARCHES[@]}" | sort | paste -sd,)
  if [ "$found" != "$expected" ]; then
    echo "the archive's index lists $found, expected $expected" >&2
    exit 1
  fi
  echo "archive $IMAGE_ARCHIVE ($(du -m "$IMAGE_ARCHIVE" | cut -f1) MB) holds $found"
  for arch in "${PLATFORM_ARCHES[@]}"; do
    local digest compressed
    digest=$(jq -r --arg a "$arch" '.manifests[] | select(.platform.architecture == $a) | .digest' <<<"$index")
    compressed=$(tar -xOf "$IMAGE_ARCHIVE" "blobs/sha256/${digest#sha256:}" | jq '[.layers[].size] | add')
    echo "linux/$arch: manifest ${digest:0:19}, $(( compressed / 1000000 )) MB of compressed layers"
  done
}

main() {
  require_tools buildah skopeo debootstrap jq file
  enable_arm64_emulation
  local started
  started=$(date +%s)
  build_base_images
  build_jdk_image
  echo "base images ready after $(seconds_since "$started") s"
  build_service_images
  echo "service images built after $(seconds_since "$started") s"
  check_images
  save_and_check_archive
  echo "build-images.sh took $(seconds_since "$started") s"
}

main "$@"
