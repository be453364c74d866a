# Shared settings of the scripts that build and run the images (sourced, not run).
# They run as root on a machine without a Docker engine: buildah and podman on vfs storage,
# with chroot isolation for builds and runc + cgroupfs for containers.

# A failing command inside $(...) fails the script too.
shopt -s inherit_errexit

IMAGE_WORK_DIR=${QF_IMAGE_WORK_DIR:-.image-build}   # git-ignored: cached base root filesystems, the OCI archive
IMAGE_NAME=${QF_IMAGE:-localhost/qf-serving:latest}
IMAGE_ARCHIVE=${QF_IMAGE_ARCHIVE:-$IMAGE_WORK_DIR/qf-serving.oci.tar}
read -r -a PLATFORM_ARCHES <<< "${QF_PLATFORM_ARCHES:-amd64 arm64}"   # e.g. QF_PLATFORM_ARCHES=amd64

# Heavy commands yield to the other work on this machine.
buildah_() { nice -n 10 buildah --storage-driver vfs "$@"; }
PODMAN_SETTINGS=(--storage-driver vfs --runtime runc --cgroup-manager cgroupfs)
podman_() { nice -n 10 podman "${PODMAN_SETTINGS[@]}" "$@"; }

require_tools() {
  local missing=()
  for tool in "$@"; do command -v "$tool" >/dev/null || missing+=("$tool"); done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "missing tools: ${missing[*]} (Debian: apt-get install -y buildah podman skopeo debootstrap qemu-user-static binfmt-support runc)" >&2
    exit 1
  fi
}

# Foreign-architecture RUN steps and containers go through qemu-user-static via binfmt_misc.
enable_arm64_emulation() {
  [ "$(uname -m)" = aarch64 ] && return
  [ -e /proc/sys/fs/binfmt_misc/register ] || mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
  [ -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ] && return
  if [ -f /usr/lib/binfmt.d/qemu-aarch64.conf ]; then
    # qemu 10 (trixie, bookworm-backports) ships systemd-binfmt's format, which binfmt-support's
    # update-binfmts does not read; registering its line is what systemd-binfmt would do.
    grep -v '^#' /usr/lib/binfmt.d/qemu-aarch64.conf > /proc/sys/fs/binfmt_misc/register
  else
    update-binfmts --enable qemu-aarch64
  fi
}

seconds_since() { echo $(( $(date +%s) - $1 )); }
