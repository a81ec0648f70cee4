"""Command line: python -m datagen --out sample/landing [--scale 1] [--seed 20251101] [--workers N] [--quiet]."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from .generator import DEFAULT_SEED, generate
from .world import BANK_FORMATS


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m datagen", description="Write sample AR landing files.")
    parser.add_argument("--out", type=Path, required=True, help="landing folder to (over)write")
    parser.add_argument("--scale", type=float, default=1.0, help="1 ≈ 200 customers; grows linearly")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="same seed, same bytes")
    parser.add_argument(
        "--bank-format",
        choices=BANK_FORMATS,
        default="csv",
        help="bank transactions as bank/transactions.csv, or as 全銀協 files under bank/zengin/",
    )
    parser.add_argument(
        "--workers",
        type=_positive,
        default=os.cpu_count() or 1,
        help="processes simulating customers (default: the CPU count; 1: in this process); same bytes",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar, phase lines or summary")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    counts = generate(
        args.out,
        scale=args.scale,
        seed=args.seed,
        show_progress=not args.quiet,
        bank_format=args.bank_format,
        workers=args.workers,
    )
    if not args.quiet:
        for table, rows in counts.items():
            print(f"{table:32s} {rows:>10,d}", file=sys.stderr)
        print(f"done in {time.perf_counter() - started:.1f}s", file=sys.stderr)
    return 0


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


if __name__ == "__main__":
    raise SystemExit(main())
