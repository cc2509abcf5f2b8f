#!/usr/bin/env bash
# Build the action's final container image HERE, without Docker and without pulling a base image,
# and prove it works.
#
# The Dockerfile's final stage is `FROM scratch` + a static `cognigy-backup` + the CA bundle + a
# sticky, world-writable /tmp. This script assembles the same image with buildah from a binary built
# on this machine:
#   1. installs Debian's buildah if it is missing (needs root, as on the project's machines);
#   2. builds the binary in the `dist` profile (Cargo.toml: size-optimised, fat LTO, one codegen
#      unit, stripped), statically linked (glibc, `-C target-feature=+crt-static`, explicit `--target`
#      so build scripts and proc-macros stay dynamic) and checks it has no ELF interpreter;
#   3. `buildah from scratch`, copies the binary to /cognigy-backup, the host's CA bundle to
#      /etc/ssl/certs/ca-certificates.crt, creates /tmp with mode 1777, sets the exec-form
#      ENTRYPOINT ["/cognigy-backup"] (no USER, no WORKDIR) and commits $IMAGE;
#   4. prints the image size and fails above 10 MiB (10,485,760 bytes);
#   5. runs `/cognigy-backup --help` in the image and fails unless every input of action.yml is
#      listed;
#   6. proves name resolution inside the image: with an /etc/hosts entry `cognigy.test -> 127.0.0.1`
#      (`.test` never resolves through DNS, so only the hosts file can answer), a backup against
#      https://cognigy.test:9 must fail with "connection refused" (the name resolved, nothing listens
#      on port 9), not with a resolver error. The snapshot repository is there too: a backup reads
#      the previous snapshot before it asks Cognigy anything, so git's HTTPS transport is what
#      resolves the name first (a local path would need `git upload-pack`, which the image lacks).
#
# Usage (as root):  scripts/build-image.sh
# Environment:
#   IMAGE    image name to commit (default localhost/cognigy-backup-action:dev)
#   BINARY   use this prebuilt static binary instead of running cargo (skips step 2's build)
#   CARGO_TARGET_DIR  honoured as cargo honours it (a separate one avoids waiting for the lock of a
#            target directory that other builds are using)
#
# Running containers in this sandbox (what was tried, see docs/container.md):
#   - `buildah run` with the default OCI isolation fails: without crun/runc "exec: no command"; with
#     crun "cgroups in hybrid mode not supported".
#   - `podman run` (Debian's podman 4.3) fails: crun cannot set RLIMIT_NOFILE / RLIMIT_NPROC
#     ("Operation not permitted"), even with --cgroups=disabled and explicit --ulimit values.
#   - `buildah run --isolation chroot` WORKS (no OCI runtime, host network namespace), and the
#     hosts entry is given when the working container is created: `buildah from --add-host
#     cognigy.test:127.0.0.1 IMAGE`. That is what this script uses.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

IMAGE="${IMAGE:-localhost/cognigy-backup-action:dev}"
TARGET="x86_64-unknown-linux-gnu"
MAX_BYTES=$((10 * 1024 * 1024))
CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt
export BUILDAH_ISOLATION=chroot

step() { printf '\n==> %s\n' "$*"; }
die() { printf 'build-image: FAILED: %s\n' "$*" >&2; exit 1; }

containers=()
cleanup() {
    local c
    for c in "${containers[@]}"; do buildah rm "$c" >/dev/null 2>&1 || true; done
}
trap cleanup EXIT

step "tools"
if ! command -v buildah >/dev/null 2>&1; then
    [[ $(id -u) -eq 0 ]] || die "buildah is missing and installing it needs root"
    DEBIAN_FRONTEND=noninteractive apt-get update -q
    # No recommends: chroot isolation needs no OCI runtime (crun/runc do not work here anyway).
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends buildah
fi
buildah --version
[[ -s $CA_BUNDLE ]] || die "no CA bundle at $CA_BUNDLE (apt-get install ca-certificates)"

step "static binary"
if [[ -n ${BINARY:-} ]]; then
    bin="$BINARY"
else
    RUSTFLAGS="${RUSTFLAGS:+$RUSTFLAGS }-C target-feature=+crt-static" \
        cargo build --profile dist --locked --target "$TARGET" --bin cognigy-backup
    bin="${CARGO_TARGET_DIR:-target}/$TARGET/dist/cognigy-backup"
fi
[[ -x $bin ]] || die "no binary at $bin"
if readelf --program-headers "$bin" | grep -q 'INTERP'; then
    die "$bin is dynamically linked (it has an ELF interpreter); it would not start FROM scratch"
fi
if readelf --dynamic "$bin" | grep -q 'NEEDED'; then
    die "$bin needs shared libraries: $(readelf --dynamic "$bin" | grep NEEDED | tr -s ' ')"
fi
echo "$bin: static, $(stat -c %s "$bin") bytes"

step "image $IMAGE"
ctr=$(buildah from scratch)
containers+=("$ctr")
buildah copy --quiet --chmod 0755 "$ctr" "$bin" /cognigy-backup
buildah copy --quiet --chmod 0644 "$ctr" "$CA_BUNDLE" /etc/ssl/certs/ca-certificates.crt
# `buildah copy --chmod` sets the mode of copied files, not of a directory it creates: make /tmp
# directly in the container's root file system.
mnt=$(buildah mount "$ctr")
install -d -m 1777 "$mnt/tmp"
buildah umount "$ctr" >/dev/null
buildah config --entrypoint '["/cognigy-backup"]' --cmd '' "$ctr"
previous=$(buildah inspect --type image --format '{{.FromImageID}}' "$IMAGE" 2>/dev/null || true)
buildah commit --quiet --rm --format docker "$ctr" "$IMAGE" >/dev/null
containers=()
# The image this build replaced is left untagged: remove it (harmless when something still uses it).
if [[ -n $previous && $previous != $(buildah inspect --type image --format '{{.FromImageID}}' "$IMAGE") ]]; then
    buildah rmi "$previous" >/dev/null 2>&1 || true
fi

step "image configuration and size"
# One look at the committed image: its exec-form entrypoint, USER, WORKDIR and the sum of its
# (uncompressed) layer sizes.
read -r entrypoint user workdir size < <(buildah inspect --type image "$IMAGE" | python3 -c '
import json, sys
image = json.load(sys.stdin)
config = image["Docker"]["config"]
layers = json.loads(image["Manifest"])["layers"]
print(json.dumps(config.get("Entrypoint"), separators=(",", ":")),
      json.dumps(config.get("User") or ""), json.dumps(config.get("WorkingDir") or ""),
      sum(layer["size"] for layer in layers))')
echo "ENTRYPOINT $entrypoint, USER $user, WORKDIR $workdir"
[[ $entrypoint == '["/cognigy-backup"]' ]] || die "entrypoint is $entrypoint"
[[ $user == '""' && $workdir == '""' ]] || die "the image must set no USER and no WORKDIR"
awk -v i="$IMAGE" -v s="$size" -v m="$MAX_BYTES" \
    'BEGIN { printf "%s: %d bytes (%.2f MiB) of uncompressed layers; the limit is %d bytes (10 MiB)\n", i, s, s / 1048576, m }'
((size <= MAX_BYTES)) || die "image is $size bytes, more than 10 MiB ($MAX_BYTES bytes)"

# A fresh working container from the committed image, with the hosts entry for step 6.
run=$(buildah from --quiet --add-host cognigy.test:127.0.0.1 "$IMAGE")
containers+=("$run")
root=$(buildah mount "$run")
[[ $(stat -c %a "$root/tmp") == 1777 ]] || die "/tmp in the image has mode $(stat -c %a "$root/tmp"), not 1777"
[[ -s $root/etc/ssl/certs/ca-certificates.crt ]] || die "no CA bundle in the image"
ls -la "$root" "$root/tmp"
buildah umount "$run" >/dev/null

step "--help in the image"
help=$(timeout 120 buildah run "$run" -- /cognigy-backup --help) || die "--help failed in the image"
printf '%s\n' "$help"
# Every input declared in action.yml must be listed, as the first word of a line.
inputs=$(awk '/^inputs:/ { on = 1; next } /^[^ #]/ { on = 0 } on && /^  [a-z][a-z0-9-]*:/ { sub(/^  /, ""); sub(/:.*/, ""); print }' action.yml)
[[ -n $inputs ]] || die "found no inputs in action.yml"
missing=()
for name in $inputs; do
    awk -v n="$name" '$1 == n { found = 1 } END { exit !found }' <<<"$help" || missing+=("$name")
done
((${#missing[@]} == 0)) || die "--help does not list: ${missing[*]}"
echo "--help lists all $(wc -w <<<"$inputs") inputs of action.yml"

step "name resolution in the image"
set +e
out=$(timeout 120 buildah run \
    --env INPUT_MODE=backup \
    --env INPUT_COGNIGY-BASE-URL=https://cognigy.test:9 \
    --env INPUT_COGNIGY-API-KEY=x \
    --env INPUT_COGNIGY-PROJECT-ID=0123456789abcdef01234567 \
    --env INPUT_GITHUB-TOKEN=x \
    --env INPUT_REMOTE-URL=https://cognigy.test:9/snapshots.git \
    "$run" -- /cognigy-backup 2>&1)
status=$?
set -e
printf '%s\n(exit status %d)\n' "$out" "$status"
((status != 0)) || die "a backup against https://cognigy.test:9 succeeded: nothing listens there"
if grep -qiE 'dns error|failed to lookup|name or service not known|could not resolve|temporary failure in name resolution' <<<"$out"; then
    die "cognigy.test did not resolve inside the image"
fi
grep -qi 'connection refused' <<<"$out" \
    || die "expected the request to https://cognigy.test:9 to fail with 'connection refused' (name resolved, port closed)"
echo "cognigy.test resolved from /etc/hosts inside the image; the connection was refused as expected"

step "done: $IMAGE"
