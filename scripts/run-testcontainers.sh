#!/usr/bin/env bash
# Runs ImageContainerTests (deploy module): Testcontainers starts the image through podman's
# Docker-compatible API service and the tests call it over HTTP and gRPC.
#
#   scripts/run-testcontainers.sh [image]     (default localhost/qf-serving-smoke:amd64)
#
# The image must be in podman's local storage: scripts/build-images.sh, then
# scripts/run-image-smoke.sh amd64 loads it under that name. Run as root. Needs podman and runc.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/images.sh

IMAGE=${1:-localhost/qf-serving-smoke:amd64}
REPORT=deploy/target/surefire-reports/TEST-io.qfserving.deploy.ImageContainerTests.xml
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}

# The service takes podman's global settings like any podman command: vfs storage (where the
# images are), runc, cgroupfs. Its socket is private to this run, so a system podman.socket, if
# any, is left alone.
start_api_service() {
  API_DIR=$(mktemp -d "${TMPDIR:-/tmp}/qf-podman-api.XXXXXX")
  SOCKET=$API_DIR/podman.sock
  nice -n 10 podman "${PODMAN_SETTINGS[@]}" system service --time=0 "unix://$SOCKET" >"$API_DIR/service.log" 2>&1 &
  SERVICE_PID=$!
  trap stop_api_service EXIT
  local waited=0
  until curl -fs -o /dev/null --unix-socket "$SOCKET" http://podman/_ping; do
    if ! kill -0 "$SERVICE_PID" 2>/dev/null || [ "$waited" -ge 30 ]; then
      cat "$API_DIR/service.log" >&2
      echo "podman's API service did not answer on $SOCKET" >&2
      exit 1
    fi
    sleep 1
    waited=$((waited + 1))
  done
}

stop_api_service() {
  kill "$SERVICE_PID" 2>/dev/null || true
  wait "$SERVICE_PID" 2>/dev/null || true
  rm -rf "$API_DIR"
}

# Ryuk, Testcontainers' clean-up container, would be pulled from Docker Hub, which this machine
# does not reach; the tests stop their container themselves.
run_tests() {
  rm -f "$REPORT"
  DOCKER_HOST="unix://$SOCKET" TESTCONTAINERS_RYUK_DISABLED=true \
    nice -n 10 ./mvnw -B -q -pl deploy -am verify -Dtest=ImageContainerTests -Dsurefire.failIfNoSpecifiedTests=false \
    -Dqf.image="$IMAGE"
}

# The tests skip themselves, passing, when they find no engine or no image: here that is a failure.
check_tests_ran() {
  local suite
  suite=$(grep -o '<testsuite [^>]*>' "$REPORT")
  if ! grep -q ' skipped="0"' <<<"$suite" || grep -q ' tests="0"' <<<"$suite"; then
    grep -o '<skipped message="[^"]*"' "$REPORT" | sort -u >&2 || true
    echo "ImageContainerTests did not run against $IMAGE" >&2
    exit 1
  fi
}

main() {
  require_tools podman runc curl
  podman_ image exists "$IMAGE" || {
    echo "$IMAGE is not in podman's storage: run scripts/build-images.sh, then scripts/run-image-smoke.sh amd64" >&2
    exit 1
  }
  local started
  started=$(date +%s)
  start_api_service
  run_tests
  check_tests_ran
  echo "run-testcontainers.sh took $(seconds_since "$started") s"
}

main "$@"
