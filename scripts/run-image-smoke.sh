#!/usr/bin/env bash
# Starts each platform's image from the OCI archive that scripts/build-images.sh wrote (arm64
# under qemu), waits until the server is ready, then classifies one photo over HTTP and one over
# gRPC (deploy/src/test/.../ImageSmokeTests) and prints the start-up times.
#
#   scripts/run-image-smoke.sh [amd64] [arm64]       (default: both)
#
# Settings: QF_SMOKE_PHOTO (a JPEG; default: one Imagenette validation photo from ../shared/data),
# QF_SMOKE_CLASSIFY=false to check health only (images built before the classify endpoints),
# QF_SMOKE_MANAGEMENT_PORT (the container's actuator port; default 8081, 8080 for images built
# before the separate management port), QF_SMOKE_READY_TIMEOUT (seconds; default 1200, emulated
# arm64 start-up is slow).
# Run as root, after build-images.sh. Needs podman, runc and, on x86_64, qemu-user-static 10.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/images.sh

READY_TIMEOUT=${QF_SMOKE_READY_TIMEOUT:-1200}
HTTP_PORT=18080
MANAGEMENT_PORT=18081
GRPC_PORT=19090
CONTAINER_MANAGEMENT_PORT=${QF_SMOKE_MANAGEMENT_PORT:-8081}
validation_photos=(../shared/data/imagenette2-224/val/n03888257/*.JPEG)   # sorted by the glob
PHOTO=${QF_SMOKE_PHOTO:-${validation_photos[0]}}
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}

# ONNX Runtime picks its ARM kernels from /proc/cpuinfo. qemu-user 7.2 (Debian bookworm) shows
# the host's x86 cpuinfo there and ONNX Runtime crashes (SIGSEGV) loading an int8 model; qemu-user
# 10 (bookworm-backports, trixie) emulates an ARM one and works.
check_qemu_for_arm64() {
  [ "$(uname -m)" = aarch64 ] && return
  local interpreter major
  interpreter=$(readlink -f "$(sed -n 's/^interpreter //p' /proc/sys/fs/binfmt_misc/qemu-aarch64)")
  major=$("$interpreter" --version | sed -n 's/^qemu-aarch64 version \([0-9]*\)\..*/\1/p')
  if [ "${major:-0}" -lt 10 ]; then
    echo "qemu-user ${major:-?} emulates arm64 here; ONNX Runtime needs qemu-user 10 (apt-get install -t bookworm-backports qemu-user-static, then update-binfmts --disable/--enable qemu-aarch64)" >&2
    exit 1
  fi
}

container_name() { echo "qf-serving-smoke-$1"; }

# What uname -m says inside a container of that platform (under qemu for a foreign one).
expected_machine() { [ "$1" = arm64 ] && echo aarch64 || echo x86_64; }

stop_container() {
  podman_ rm -f "$(container_name "$1")" >/dev/null 2>&1 || true
}

# Loads one platform of the archive into local storage as localhost/qf-serving-smoke:<arch>.
load_platform() {
  local arch=$1 image_id
  image_id=$(podman_ pull -q --arch "$arch" "oci-archive:$IMAGE_ARCHIVE:qf-serving")
  podman_ tag "$image_id" "localhost/qf-serving-smoke:$arch"
  local loaded_arch
  loaded_arch=$(podman_ image inspect --format '{{.Architecture}}' "localhost/qf-serving-smoke:$arch")
  [ "$loaded_arch" = "$arch" ] || { echo "asked for $arch, the archive gave $loaded_arch" >&2; exit 1; }
}

# Starts the container as the chart runs it (read-only root, /tmp writable) and echoes the
# seconds from the container's start (its java process) until /actuator/health/readiness answers
# 200 on the management port, polled every 0.2 s. The open-file limit is this shell's and the
# process limit a modest fixed one: podman's defaults are above what a sandbox may grant.
start_and_wait_ready() {
  local arch=$1 started started_at
  started=$(date +%s)
  podman_ run -d --name "$(container_name "$arch")" \
    --ulimit "nofile=$(ulimit -Hn):$(ulimit -Hn)" --ulimit nproc=8192:8192 \
    --read-only --tmpfs /tmp:rw,size=256m \
    -p "127.0.0.1:$HTTP_PORT:8080" -p "127.0.0.1:$MANAGEMENT_PORT:$CONTAINER_MANAGEMENT_PORT" \
    -p "127.0.0.1:$GRPC_PORT:9090" \
    "localhost/qf-serving-smoke:$arch" >/dev/null
  started_at=$(podman_ inspect --format '{{.State.StartedAt.UnixNano}}' "$(container_name "$arch")")
  until curl -fs -o /dev/null "http://127.0.0.1:$MANAGEMENT_PORT/actuator/health/readiness"; do
    if [ "$(podman_ inspect --format '{{.State.Running}}' "$(container_name "$arch")")" != true ]; then
      podman_ logs "$(container_name "$arch")" | tail -40 >&2
      echo "the $arch container stopped before it was ready" >&2
      return 1
    fi
    if [ "$(seconds_since "$started")" -gt "$READY_TIMEOUT" ]; then
      podman_ logs "$(container_name "$arch")" | tail -40 >&2
      echo "the $arch container was not ready after $READY_TIMEOUT s" >&2
      return 1
    fi
    sleep 0.2
  done
  awk -v from="$started_at" -v to="$(date +%s%N)" 'BEGIN { printf "%.1f\n", (to - from) / 1e9 }'
}

run_smoke_tests() {
  nice -n 10 ./mvnw -B -q -pl deploy -am test -Dtest=ImageSmokeTests -Dsurefire.failIfNoSpecifiedTests=false \
    -Dqf.smoke.http="http://127.0.0.1:$HTTP_PORT" -Dqf.smoke.management="http://127.0.0.1:$MANAGEMENT_PORT" \
    -Dqf.smoke.grpc="127.0.0.1:$GRPC_PORT" \
    -Dqf.smoke.photo="$PHOTO" -Dqf.smoke.classify="${QF_SMOKE_CLASSIFY:-true}"
}

smoke_test() {
  local arch=$1 ready_after boot_line machine
  stop_container "$arch"
  trap 'stop_container '"$arch" EXIT
  load_platform "$arch"
  ready_after=$(start_and_wait_ready "$arch")
  boot_line=$(podman_ logs "$(container_name "$arch")" 2>&1 | grep -o 'Started QfServingApplication in [0-9.]* seconds' || true)
  machine=$(podman_ exec "$(container_name "$arch")" uname -m)
  [ "$machine" = "$(expected_machine "$arch")" ] || { echo "the $arch container runs on $machine" >&2; return 1; }
  run_smoke_tests
  stop_container "$arch"
  trap - EXIT
  local checked="health, one photo classified over HTTP and one over gRPC"
  [ "${QF_SMOKE_CLASSIFY:-true}" != false ] || checked="health only (QF_SMOKE_CLASSIFY=false)"
  RESULTS+=("linux/$arch ($machine): ready ${ready_after} s after the container started (${boot_line:-no start-up line in the log}); passed: $checked")
}

main() {
  require_tools podman runc curl
  [ -s "$IMAGE_ARCHIVE" ] || { echo "no $IMAGE_ARCHIVE: run scripts/build-images.sh first" >&2; exit 1; }
  [ -s "$PHOTO" ] || { echo "no photo to classify: set QF_SMOKE_PHOTO to a JPEG" >&2; exit 1; }
  PHOTO=$(realpath "$PHOTO")   # the tests run in the deploy module's folder
  enable_arm64_emulation
  local arches=("$@") started
  [ ${#arches[@]} -gt 0 ] || arches=("${PLATFORM_ARCHES[@]}")
  [[ " ${arches[*]} " != *" arm64 "* ]] || check_qemu_for_arm64
  started=$(date +%s)
  RESULTS=()
  for arch in "${arches[@]}"; do
    smoke_test "$arch"
  done
  printf '%s\n' "${RESULTS[@]}"
  echo "run-image-smoke.sh took $(seconds_since "$started") s"
}

main "$@"
