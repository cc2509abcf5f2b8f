#!/usr/bin/env bash
# Prove that the backup.yml `cognigy-backup init` writes runs, unchanged, under act: a new user's
# first backup, on a machine with no Docker engine and no access to Docker Hub.
#
#   1. sets up act with podman's Docker API and a local job image (ACT_TOOLS/setup.sh, idempotent);
#   2. takes the action's image: $IMAGE as it is when IMAGE is set (e.g. what scripts/build-image.sh
#      built), else this checkout's debug binary on the job image (glibc, so no static build: quick,
#      for a check during development);
#   3. starts the testkit's `e2e-servers` here (the fake Cognigy API and a git server) and makes the
#      backup repository `acme/cognigy-backup-support-bot.git` on that git server;
#   4. runs `cognigy-backup init --yes` for the fake's project into a scratch folder;
#   5. runs its .github/workflows/backup.yml under act (ACT_TOOLS/run_e2e.py, workflow_dispatch) as
#      GitHub would: the variables COGNIGY_BASE_URL and COGNIGY_PROJECT_ID, the secrets
#      COGNIGY_API_KEY and GITHUB_TOKEN, and GITHUB_SERVER_URL and GITHUB_REPOSITORY naming the git
#      server and the repository (the workflow sets no remote-url: the default remote is used);
#   6. fails unless the job succeeded, no secret reached the log, and the git server's
#      snapshot/hourly is the commit the run's `commit-sha` output names.
#
# Usage (as root, from anywhere):  scripts/e2e-act-init.sh
# Environment:
#   ACT_TOOLS   the folder holding setup.sh and run_e2e.py (default: ../shared/tools/act beside the
#               main checkout, else /work/shared/tools/act)
#   IMAGE       a ready image of the action to run (default: one built from target/debug)
#   KEEP=1      keep run_e2e.py's scratch folder (act's log and the JSON summary) and print its path
#   CARGO_TARGET_DIR  honoured as cargo honours it
# Time on the project's machines (2 cores): about 1 minute once act's job image and the debug
# binaries exist (the job image's first build adds about 2 minutes).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo=$PWD

die() { printf 'e2e-act-init: FAILED: %s\n' "$*" >&2; exit 1; }
step() { printf '\n==> %s\n' "$*"; }

# shellcheck source=scripts/act-setup.sh
source scripts/act-setup.sh
target_dir=${CARGO_TARGET_DIR:-$repo/target}
readonly repository=acme/cognigy-backup-support-bot


step "the binaries: cognigy-backup and e2e-servers (debug)"
cargo build --locked --bin cognigy-backup -p cognigy-backup-action
cargo build --locked --bin e2e-servers -p cognigy-backup-testkit

scratch=$(mktemp -d /tmp/cba-e2e-act-init.XXXXXX)
servers_pid=
cleanup() {
    [[ -n $servers_pid ]] && kill "$servers_pid" 2>/dev/null
    rm -rf "$scratch"
}
trap cleanup EXIT

if [[ -z ${IMAGE:-} ]]; then
    IMAGE=localhost/cognigy-backup-action:debug
    step "the action's image: target/debug/cognigy-backup on the job image, as $IMAGE"
    mkdir "$scratch/image"
    cp "$target_dir/debug/cognigy-backup" "$scratch/image/cognigy-backup"
    printf '%s\n' "FROM localhost/act-job:bookworm" "COPY cognigy-backup /cognigy-backup" \
        'ENTRYPOINT ["/cognigy-backup"]' >"$scratch/image/Containerfile"
    buildah bud --isolation chroot --pull=false --quiet -t "$IMAGE" "$scratch/image" >/dev/null
fi
podman image exists "$IMAGE" || die "no image $IMAGE"

step "e2e-servers, and the backup repository $repository.git on its git server"
"$target_dir/debug/e2e-servers" --dir "$scratch/servers" >"$scratch/servers.log" 2>&1 &
servers_pid=$!
for _ in $(seq 100); do
    [[ -s $scratch/servers/servers.env ]] && break
    sleep 0.1
done
[[ -s $scratch/servers/servers.env ]] || { cat "$scratch/servers.log"; die "e2e-servers did not start"; }
value() { sed -n "s/^$1=//p" "$scratch/servers/servers.env"; }
git init --quiet --bare --initial-branch=main "$scratch/servers/$repository.git"
git_server=$(value remote-url)
git_server=${git_server%/*}

step "cognigy-backup init, for the fake's project"
"$target_dir/debug/cognigy-backup" init --dir "$scratch/seed" --project-id "$(value cognigy-project-id)" \
    --base-url "$(value cognigy-base-url)" --name "e2e" --yes

step "act: the backup.yml init wrote"
summary="$scratch/summary.json"
set +e
COGNIGY_API_KEY=$(value cognigy-api-key) GITHUB_TOKEN=$(value github-token) \
    python3 "$ACT_TOOLS/run_e2e.py" "$repo" --seed-dir "$scratch/seed" \
    --workflow "$scratch/seed/.github/workflows/backup.yml" --event workflow_dispatch \
    --no-build --image "$IMAGE" \
    --var "COGNIGY_BASE_URL=$(value cognigy-base-url)" --var "COGNIGY_PROJECT_ID=$(value cognigy-project-id)" \
    --secret COGNIGY_API_KEY --secret GITHUB_TOKEN \
    --env "GITHUB_SERVER_URL=$git_server" --env "GITHUB_REPOSITORY=$repository" \
    --summary-file "$summary" ${KEEP:+--keep}
status=$?
set -e
hourly=$(git -C "$scratch/servers/$repository.git" rev-parse --verify --quiet refs/heads/snapshot/hourly || true)
python3 - "$summary" "$status" "$hourly" <<'EOF'
import json, sys
summary, status, hourly = json.load(open(sys.argv[1])), int(sys.argv[2]), sys.argv[3]
outputs = summary["act_set_outputs"].get("backup/0", {})
print("outputs:", json.dumps({k: v for k, v in outputs.items() if k != "summary"}, indent=2))
print(f"snapshot/hourly on the git server: {hourly or '(none)'}")
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
if outputs.get("changed") != "true" or not hourly or outputs.get("commit-sha") != hourly:
    problems.append("the first backup did not put its commit on snapshot/hourly")
if problems:
    sys.exit("e2e-act-init: FAILED: " + "; ".join(problems))
print("e2e-act-init: the backup.yml init writes ran under act and took the first snapshot")
EOF
