#!/usr/bin/env bash
# Run the CI workflow's end-to-end job (.github/workflows/ci.yml, job `e2e`) under act, on a machine
# with no Docker engine and no access to Docker Hub (the project's own machines), and check it passed.
#
# On GitHub the job runs `uses: ./`, so the runner builds the Dockerfile. Base images cannot be pulled
# here, so this script runs the same job against the image scripts/build-image.sh builds, through the
# release form of action.yml (scripts/release-action.py: only runs.image changes, to that image by
# digest), exactly as a release commit points at its published image:
#   1. sets up act with podman's Docker API and a local job image (ACT_TOOLS/setup.sh, idempotent);
#   2. builds and checks the action's image (scripts/build-image.sh) and reads its digest;
#   3. builds the `e2e-servers` binary of the testkit on this machine (act's job image has no Rust
#      toolchain; the job takes it from E2E_SERVERS_BIN instead of building it);
#   4. copies the working tree (tracked and untracked files, not the ignored ones) to a scratch folder,
#      with action.yml in its release form pointing at localhost/cognigy-backup-action@sha256:…;
#   5. runs the job there with ACT_TOOLS/run_e2e.py (act with the host network, --pull=false, no
#      image build) and fails unless act succeeded, the job's result is success and no secret leaked.
#
# Usage (as root, from anywhere):  scripts/e2e-act.sh
# Environment:
#   ACT_TOOLS   the folder holding setup.sh and run_e2e.py (default: ../shared/tools/act beside the
#               main checkout, else /work/shared/tools/act, where the project's machines have it)
#   IMAGE       the image to build and run (default localhost/cognigy-backup-action:dev)
#   KEEP=1      keep run_e2e.py's scratch folder (act's log and the JSON summary) and print its path
#   CARGO_TARGET_DIR  honoured as cargo honours it
# Time on the project's machines (2 cores): about 1 minute once the image, the binaries and the job
# image exist; the first run adds the job image (about 3 minutes) and the dist build (about 10).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo=$PWD

die() { printf 'e2e-act: FAILED: %s\n' "$*" >&2; exit 1; }
step() { printf '\n==> %s\n' "$*"; }

# shellcheck source=scripts/act-setup.sh
source scripts/act-setup.sh
IMAGE=${IMAGE:-localhost/cognigy-backup-action:dev}
target_dir=${CARGO_TARGET_DIR:-$repo/target}


step "the action's image (scripts/build-image.sh)"
IMAGE=$IMAGE scripts/build-image.sh
digest=$(podman image inspect --format '{{.Digest}}' "$IMAGE")
[[ $digest =~ ^sha256:[0-9a-f]{64}$ ]] || die "no digest for $IMAGE: $digest"
by_digest="${IMAGE%:*}@$digest"
echo "$IMAGE is $by_digest"

step "the e2e-servers binary"
cargo build --locked -p cognigy-backup-testkit --bin e2e-servers
servers="$target_dir/debug/e2e-servers"

step "the workspace: this working tree, action.yml in its release form"
scratch=$(mktemp -d /tmp/cba-e2e-act.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
workspace="$scratch/workspace"
mkdir "$workspace"
git ls-files -z --cached --others --exclude-standard | tar --null --ignore-failed-read -T - -cf - | tar -C "$workspace" -xf -
python3 scripts/release-action.py "$by_digest" -o "$workspace/action.yml"
grep -n '^  image:' "$workspace/action.yml"
install -D -m 0755 "$servers" "$workspace/.e2e/e2e-servers"

step "act: the e2e job of .github/workflows/ci.yml"
summary="$scratch/summary.json"
set +e
python3 "$ACT_TOOLS/run_e2e.py" "$workspace" --seed-dir "$workspace" \
    --workflow "$workspace/.github/workflows/ci.yml" --job e2e --event push \
    --no-build --image "$IMAGE" --env E2E_SERVERS_BIN=.e2e/e2e-servers \
    --summary-file "$summary" ${KEEP:+--keep}
status=$?
set -e
python3 - "$summary" "$status" <<'EOF'
import json, sys
summary, status = json.load(open(sys.argv[1])), int(sys.argv[2])
steps = [f"{s['step']}: {s['result']}" for s in summary["steps"] if s.get("stage") == "Main"]
print("\n".join(["steps:"] + [f"  {s}" for s in steps]))
print("outputs of the first backup:", json.dumps(summary["outputs_json"].get("backup"), indent=2))
print(f"timings (s): {summary['timings_s']}")
if summary.get("work_dir"):
    print(f"kept: {summary['work_dir']} (act.log, summary.json)")
problems = []
if status != 0:
    problems.append(f"run_e2e.py exited with {status}")
if summary["job_result"] != "success":
    problems.append(f"the job's result is {summary['job_result']!r}")
if summary["leaked"]:
    problems.append(f"leaked into the log: {summary['leaked']}")
if problems:
    sys.exit("e2e-act: FAILED: " + "; ".join(problems))
print("e2e-act: the e2e job passed under act")
EOF
