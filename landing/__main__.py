"""`python -m landing prepare`: the landed files made into the contract's shape for dbt."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from landing.csv_text import LandingFileError
from landing.prepare import LandingPreparationError, prepare


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m landing", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("prepare", help="decode, map and check the landed files into the prepared folder")
    run.add_argument(
        "--from",
        dest="landing_dir",
        type=Path,
        default=Path(os.environ.get("AR_LANDING_DIR") or "sample/landing"),
        help="the landing folder as the systems delivered it (AR_LANDING_DIR; default sample/landing)",
    )
    run.add_argument(
        "--to",
        dest="prepared_dir",
        type=Path,
        default=Path(os.environ.get("AR_PREPARED_DIR") or "warehouse/landing"),
        help="where the prepared UTF-8 copies go (AR_PREPARED_DIR; default warehouse/landing)",
    )
    run.add_argument(
        "--encoding",
        default=os.environ.get("AR_LANDING_ENCODING") or None,
        help="read every CSV in this encoding instead of detecting it (AR_LANDING_ENCODING)",
    )
    run.add_argument(
        "--table", action="append", dest="tables", metavar="SYSTEM/TABLE", help="prepare only this table (repeatable)"
    )
    run.add_argument(
        "--workers",
        type=int,
        default=int(os.environ.get("AR_PREPARE_WORKERS") or os.cpu_count() or 1),
        help="tables prepared at once, each in its own process (AR_PREPARE_WORKERS; default: the CPU count)",
    )
    run.add_argument("--quiet", action="store_true", help="print nothing but errors")
    args = parser.parse_args(argv)
    try:
        report = prepare(args.landing_dir, args.prepared_dir, args.encoding, args.tables, args.workers)
    except (LandingPreparationError, LandingFileError) as error:
        print(f"Landing preparation stopped:\n{error}", file=sys.stderr)
        return 2
    if not args.quiet:
        print(f"Prepared {args.landing_dir} → {args.prepared_dir}")
        for line in report.summary_lines():
            print(f"  {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
