#!/usr/bin/env python3
"""Check that a release tag is ready to publish and print its release notes.

    scripts/release-notes.py TAG [--changelog CHANGELOG.md] [--cargo-toml Cargo.toml]

TAG must be `vMAJOR.MINOR.PATCH`; Cargo.toml's `[package] version` must be that same version (so the
binary's `--version` and the image agree with the tag); CHANGELOG.md (Keep a Changelog) must have a
section `## [MAJOR.MINOR.PATCH] - YYYY-MM-DD` with some text in it. Prints that section's body (the
text between its heading and the next `## ` heading, without the link definitions at the end of
the file): the notes of the GitHub Release. Fails (exit status 2, with a message saying what to fix)
otherwise. Python 3.11 standard library only.
"""

from __future__ import annotations

import argparse
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TAG = re.compile(r"v(?P<version>(?:0|[1-9][0-9]*)\.(?:0|[1-9][0-9]*)\.(?:0|[1-9][0-9]*))")
LINK_DEFINITION = re.compile(r"^\[[^\]]+\]:\s*\S+")


class Refused(Exception):
    """The tag cannot be released as it stands."""


def version_of(tag: str) -> str:
    match = TAG.fullmatch(tag)
    if not match:
        raise Refused(f"tag {tag!r} is not a release tag; accepted: vMAJOR.MINOR.PATCH, e.g. v1.2.3")
    return match.group("version")


def check_cargo_version(cargo_toml: Path, version: str) -> None:
    try:
        with cargo_toml.open("rb") as file:
            declared = tomllib.load(file).get("package", {}).get("version")
    except (OSError, tomllib.TOMLDecodeError) as err:
        raise Refused(f"cannot read the package version from {cargo_toml}: {err}") from err
    if declared != version:
        raise Refused(
            f"{cargo_toml} says version {declared!r}, the tag says {version!r}: "
            f"set `version = \"{version}\"` in [package] (and refresh Cargo.lock) before tagging"
        )


def section(changelog: str, version: str) -> str:
    """The body of the `## [version]` section of a Keep a Changelog text."""
    heading = re.compile(rf"^## \[{re.escape(version)}\](?:\s+-\s+\d{{4}}-\d{{2}}-\d{{2}})?\s*$")
    lines = changelog.splitlines()
    start = next((i for i, line in enumerate(lines) if heading.match(line)), None)
    if start is None:
        raise Refused(
            f"CHANGELOG.md has no section `## [{version}] - YYYY-MM-DD`: rename `## [Unreleased]` "
            f"to it (and start a new empty Unreleased section) before tagging"
        )
    body = []
    for line in lines[start + 1 :]:
        if line.startswith("## ") or LINK_DEFINITION.match(line):
            break
        body.append(line)
    text = "\n".join(body).strip()
    if not text:
        raise Refused(f"the CHANGELOG.md section of {version} is empty: say what changed")
    return text + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("tag", help="the release tag, vMAJOR.MINOR.PATCH")
    parser.add_argument("--changelog", type=Path, default=ROOT / "CHANGELOG.md")
    parser.add_argument("--cargo-toml", type=Path, default=ROOT / "Cargo.toml")
    args = parser.parse_args()
    try:
        version = version_of(args.tag)
        check_cargo_version(args.cargo_toml, version)
        try:
            changelog = args.changelog.read_text(encoding="utf-8")
        except OSError as err:
            raise Refused(f"cannot read {args.changelog}: {err.strerror}") from err
        sys.stdout.write(section(changelog, version))
    except Refused as err:
        print(f"release-notes: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
