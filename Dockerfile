# The container of the `cognigy-backup-action` GitHub Action (`runs.image: Dockerfile`).
#
# Three stages:
#   builder  compiles `cognigy-backup` as a statically linked glibc binary (no musl needed: glibc 2.36
#            has the `files` and `dns` name services built in, so a static binary still resolves
#            names from /etc/hosts and DNS inside an image that holds no libc at all);
#   rootfs   gathers what the final image holds besides the binary: the CA bundle (rustls reads it
#            for HTTPS to Cognigy and GitHub) and a world-writable, sticky /tmp (act sets
#            RUNNER_TEMP=/tmp, and a bare scratch image has no /tmp);
#   final    FROM scratch: the binary, the CA bundle, /tmp. Exec-form ENTRYPOINT, because a shell
#            would drop the runner's hyphenated INPUT_* variables. No USER (the runner's file-command
#            files must stay writable), no WORKDIR (the runner sets the working directory).
#
# Needs BuildKit (the default builder since Docker Engine 23) for the cache mounts.
# Base images cannot be pulled on the project's own machines: scripts/build-image.sh builds the same
# final image there with buildah from a host-built binary (see docs/container.md).
#
# The base image is pinned by the digest of its multi-arch index (amd64 and arm64 alike), so every
# build starts from the same bytes. Dependabot (.github/dependabot.yml, ecosystem docker) proposes a
# new digest when the official image is rebuilt. To refresh it by hand, on a machine with Docker:
#   docker buildx imagetools inspect rust:1.95.0-bookworm --format '{{json .Manifest}}' | jq -r .digest
# (or `docker pull rust:1.95.0-bookworm` and read its "Digest:" line) and put that digest in both
# FROM lines. A new Rust version is a new tag and digest in both lines, and the same version in
# .github/workflows/ci.yml.

FROM rust:1.95.0-bookworm@sha256:6258907abe69656e41cd992e0b705cdcfabcbbe3db374f92ed2d47121282d4a1 AS builder
WORKDIR /src
COPY . .
# `--target` is given explicitly so that RUSTFLAGS (crt-static) reach only the binary and not the
# build scripts and proc-macros, which must stay dynamic. The host's own target tuple keeps the
# Dockerfile right on amd64 and arm64 runners alike. The cargo registry and target directory are
# BuildKit cache mounts, so the binary is copied out of the target directory within the same step.
# The `dist` profile (Cargo.toml) is the size-optimised one that keeps the image under 10 MiB.
ENV RUSTFLAGS="-C target-feature=+crt-static"
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/usr/local/cargo/git \
    --mount=type=cache,target=/src/target \
    target="$(rustc --print host-tuple)" \
    && cargo build --profile dist --locked --target "$target" --bin cognigy-backup \
    && install -D -m 0755 "target/$target/dist/cognigy-backup" /out/cognigy-backup

# The CA bundle comes from the same pinned Rust image (Debian's ca-certificates package, installed
# in its buildpack-deps base, refreshed with each new digest), so no apt-get with a version pin that
# breaks as soon as Debian supersedes that version.
FROM rust:1.95.0-bookworm@sha256:6258907abe69656e41cd992e0b705cdcfabcbbe3db374f92ed2d47121282d4a1 AS rootfs
RUN test -s /etc/ssl/certs/ca-certificates.crt \
    && install -D -m 0644 /etc/ssl/certs/ca-certificates.crt /rootfs/etc/ssl/certs/ca-certificates.crt \
    && mkdir -m 1777 /rootfs/tmp

FROM scratch
COPY --from=rootfs /rootfs/ /
COPY --from=builder /out/cognigy-backup /cognigy-backup
ENTRYPOINT ["/cognigy-backup"]
