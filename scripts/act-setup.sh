# Sourced by scripts/e2e-act.sh and scripts/e2e-act-init.sh: checks that the script runs as root,
# finds the act tools (ACT_TOOLS, else ../shared/tools/act beside the main checkout, else
# /work/shared/tools/act, where the project's machines have them) and sets act, podman and the
# job image up with their setup.sh (idempotent), exporting what it prints.
# Expects `repo` (the checkout), `die` and `step` from the script that sources it.

[[ $(id -u) -eq 0 ]] || die "needs root (podman, buildah)"
if [[ -z ${ACT_TOOLS:-} ]]; then
    main=$(git worktree list --porcelain 2>/dev/null | sed -n '1s/^worktree //p')
    for candidate in "${main:-$repo}/../shared/tools/act" /work/shared/tools/act; do
        [[ -f $candidate/run_e2e.py ]] && ACT_TOOLS=$candidate && break
    done
fi
[[ -f ${ACT_TOOLS:-}/setup.sh && -f $ACT_TOOLS/run_e2e.py ]] \
    || die "no act tools (setup.sh, run_e2e.py): set ACT_TOOLS to their folder"

step "act, podman and the job image ($ACT_TOOLS/setup.sh)"
env_lines=$("$ACT_TOOLS/setup.sh")
eval "$env_lines"
