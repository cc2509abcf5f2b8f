#!/usr/bin/env python3
"""Print the release form of action.yml: the same file with `runs.image` set to a prebuilt image.

    scripts/release-action.py IMAGE [ACTION_YML] [-o OUTPUT]

IMAGE is the image the release published, by digest: `ghcr.io/OWNER/cognigy-backup-action@sha256:<64
hex digits>` (a leading `docker://` is accepted). A tag is refused: the release commit must name the
exact bytes that were built and attested, and a tag can be moved. ACTION_YML defaults to the
action.yml beside this script's folder; the result goes to stdout, or to OUTPUT (which may be
ACTION_YML itself).

Only the value of the `image:` line of the top-level `runs:` block changes: the inputs, outputs,
defaults, branding and every comment stay byte for byte, so `uses: org/cognigy-backup-action@v1`
sees exactly the interface of the tagged source, and starts in seconds instead of building the
Dockerfile. Fails (exit status 2, with a message) when the image is not a digest reference, or when
action.yml has no single `runs.image` of a `docker` action. Python 3 standard library only.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

# registry[:port]/path/.../name@sha256:<digest>, lower case as registries require (GHCR included).
COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
IMAGE = re.compile(
    rf"(?P<name>[a-z0-9.-]+(?::[0-9]+)?(?:/{COMPONENT})+)@sha256:(?P<digest>[0-9a-f]{{64}})"
)
ACCEPTED = "accepted: REGISTRY/OWNER/NAME@sha256:<64 lower-case hex digits>, e.g. ghcr.io/org/cognigy-backup-action@sha256:0123…"


class Refused(Exception):
    """Input this script will not turn into a release form."""


def image_reference(value: str) -> str:
    """The `docker://` reference for `value`, which must name an image by digest."""
    ref = value.removeprefix("docker://")
    if not IMAGE.fullmatch(ref):
        raise Refused(f"image {value!r} is not an image by digest; {ACCEPTED}")
    return f"docker://{ref}"


def release_form(text: str, image: str) -> str:
    """`text` (an action.yml) with the value of `runs.image` replaced by `image`."""
    lines = text.splitlines(keepends=True)
    block: list[int] = []  # line numbers of the `runs:` block's body
    inside = False
    for number, line in enumerate(lines):
        body = line.rstrip("\r\n")
        if re.match(r"^runs\s*:\s*(#.*)?$", body):
            if inside or block:
                raise Refused("action.yml has more than one top-level `runs:` key")
            inside = True
        elif inside and body and not body[0].isspace() and not body.startswith("#"):
            inside = False
        elif inside:
            block.append(number)
    if not block and not inside:
        raise Refused("action.yml has no top-level `runs:` block (a block mapping, one key per line)")
    keys = [n for n in block if lines[n].strip() and not lines[n].lstrip().startswith("#")]
    if not keys:
        raise Refused("the `runs:` block of action.yml is empty")
    indent = len(lines[keys[0]]) - len(lines[keys[0]].lstrip(" "))
    children = {}
    for n in keys:
        match = re.match(rf"^ {{{indent}}}([A-Za-z0-9_-]+)\s*:(.*)$", lines[n].rstrip("\r\n"))
        if match:
            children.setdefault(match.group(1), []).append((n, match.group(2)))
    using = [re.sub(r"\s+#.*$", "", v).strip().strip("'\"") for _, v in children.get("using", [])]
    if using != ["docker"]:
        raise Refused(f"runs.using is {using[0] if using else 'missing'!r}; only a docker action has an image")
    images = children.get("image", [])
    if len(images) != 1:
        raise Refused(f"action.yml has {len(images)} `image:` keys in `runs:`; expected exactly one")
    number, value = images[0]
    if not value.strip() or value.strip().startswith(("|", ">")):
        raise Refused("runs.image must be a plain value on the line of its key")
    line = lines[number]
    body = line.rstrip("\r\n")
    key_end = body.index(":", indent) + 1
    comment = re.search(r"\s+#.*$", body[key_end:])
    tail = comment.group(0) if comment else ""
    lines[number] = f"{body[:key_end]} {image}{tail}{line[len(body):]}"
    return "".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("image", help="the published image by digest: REGISTRY/OWNER/NAME@sha256:<hex>")
    parser.add_argument(
        "action_yml",
        nargs="?",
        type=Path,
        default=Path(__file__).resolve().parent.parent / "action.yml",
        help="the action.yml to read (default: the repository's)",
    )
    parser.add_argument("-o", "--output", type=Path, help="write here instead of stdout")
    args = parser.parse_args()
    try:
        image = image_reference(args.image)
        try:
            text = args.action_yml.read_text(encoding="utf-8")
        except OSError as err:
            raise Refused(f"cannot read {args.action_yml}: {err.strerror}") from err
        result = release_form(text, image)
    except Refused as err:
        print(f"release-action: {err}", file=sys.stderr)
        return 2
    if args.output:
        args.output.write_text(result, encoding="utf-8")
    else:
        sys.stdout.write(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
