"""make bench: build the warehouse on generated data at several scales and report, per scale, the
rows, the wall time of the full `dbt build`, the slowest models and the peak memory.

Figures are meant to be read as ratios within one run (same machine, same moment), e.g. how the build
time grows from scale 1 to scale 20."""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import duckdb

REPO_ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def generate(scale: float, landing: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "datagen", "--out", str(landing), "--scale", str(scale)],
        cwd=REPO_ROOT,
        check=True,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def build(landing: Path, work_dir: Path) -> tuple[float, int]:
    """Full `dbt build` in a child process; returns wall seconds and the child's peak RSS in MiB."""
    env = {**os.environ, "AR_LANDING_DIR": str(landing), "AR_DUCKDB_PATH": str(work_dir / "ar.duckdb")}
    env.pop("AR_AS_OF_DATE", None)
    started = time.perf_counter()
    result = subprocess.run(
        [str(BIN / "dbt"), "build", "--target-path", str(work_dir / "target"), "--log-path", str(work_dir / "logs")],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        print(result.stdout[-3000:], file=sys.stderr)
        raise SystemExit(f"dbt build failed on {landing}")
    peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
    return seconds, peak_mib


def slowest_models(work_dir: Path, count: int = 5) -> list[tuple[str, float]]:
    results = json.loads((work_dir / "target" / "run_results.json").read_text())["results"]
    models = [
        (r["unique_id"].split(".")[-1], r["execution_time"]) for r in results if r["unique_id"].startswith("model.")
    ]
    return sorted(models, key=lambda item: -item[1])[:count]


def row_counts(work_dir: Path) -> dict[str, int]:
    with duckdb.connect(str(work_dir / "ar.duckdb"), read_only=True) as connection:
        return {
            table: connection.execute(f"select count(*) from {table}").fetchall()[0][0]
            for table in [
                "staging.stg_billing__invoices",
                "marts.fct_receivable_events",
                "marts.fct_invoice_balance_history",
                "marts.fct_ar_monthly",
                "marts.fct_aging",
            ]
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--scales",
        default=os.environ.get("BENCH_SCALES", "1 5 20"),
        help="space-separated scale factors (default: '1 5 20', or BENCH_SCALES)",
    )
    parser.add_argument("--work-dir", default=str(REPO_ROOT / "bench" / "out"))
    args = parser.parse_args()
    base_seconds = None
    for scale in [float(value) for value in args.scales.split()]:
        work_dir = Path(args.work_dir) / f"scale_{scale:g}"
        work_dir.mkdir(parents=True, exist_ok=True)
        generate_seconds = generate(scale, work_dir / "landing")
        build_seconds, peak_mib = build(work_dir / "landing", work_dir)
        base_seconds = base_seconds or build_seconds
        counts = row_counts(work_dir)
        print(f"\n== scale {scale:g}: {counts['staging.stg_billing__invoices']:,} invoices ==")
        print(
            f"generate {generate_seconds:.1f} s; dbt build {build_seconds:.1f} s "
            f"({build_seconds / base_seconds:.1f}x the first scale); peak memory of builds so far {peak_mib:,} MiB"
        )
        for table, rows in counts.items():
            print(f"  {table:<38} {rows:>12,} rows")
        print("  slowest models: " + ", ".join(f"{name} {seconds:.1f}s" for name, seconds in slowest_models(work_dir)))


if __name__ == "__main__":
    main()
