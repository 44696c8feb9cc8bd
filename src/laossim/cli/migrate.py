"""``laossim migrate``: a scenario file from format version 1 to 2 (shares become positions)."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("migrate", help="write a format-1 scenario file as format 2 (positions instead of shares)")
    p.add_argument("file", help="the version-1 scenario file (left as it is)")
    p.add_argument("--out", required=True, help="the new file to write (never one that exists)")
    p.set_defaults(handle=handle)


def handle(args: argparse.Namespace) -> int:
    from laossim.errors import RefusedError
    from laossim.folders import write_file
    from laossim.migrate import migrated

    out = Path(args.out)
    if out.exists() or out.resolve() == Path(args.file).resolve():
        raise RefusedError(f"{out} exists: laossim migrate writes a new file and never replaces one; "
                           "choose another --out or move that file away")  # fmt: skip
    text = migrated(args.file)
    write_file(out, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    print(f"{args.file} -> {out}: format version 2 (each state's shares as its position)")
    return 0
