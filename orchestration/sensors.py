"""Sensors: new landing files start a run of what depends on them; failed runs reach a hook.

The landing sensor keeps, as its cursor, each landing file's modification time and size. A file
that changed, appeared or disappeared since the last tick requests one run of that file's asset
and everything downstream of it (its staging models, the marts built on them, the serving copy):
new bank balances refresh the cash marts without a full build. A file still being written (changed
within AR_LANDING_SETTLE_SECONDS) waits for the next tick. The first tick records what is there
without starting anything: the daily schedule builds from scratch.
"""

import hashlib
import json
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import dagster as dg

from landing.prepare import ZENGIN_FOLDER, ZENGIN_TABLE, zengin_files
from orchestration.assets import DUCKDB_WRITER_TAG, LandingFile, landing_files
from orchestration.resources import CodeLocation, Settings
from orchestration.schedules import EVERYTHING

Fingerprint = tuple[int, int]  # (modification time in ns, size in bytes)
RunFailureHandler = Callable[[dg.RunFailureSensorContext], None]

LANDING_SENSOR_INTERVAL_SECONDS = 60

landing_refresh = dg.define_asset_job(
    name="landing_refresh",
    selection=EVERYTHING,
    description="What depends on landing files that changed; the landing sensor picks the subset.",
    tags={DUCKDB_WRITER_TAG: "build"},
)


def scan_landing(landing_dir: Path, files: Sequence[LandingFile]) -> dict[str, Fingerprint]:
    """The fingerprint of every landing file present, by path relative to the landing folder,
    全銀協 bank files (`bank/zengin/…`, deposits of bank/transactions) included."""
    paths = [path for landing_file in files for path in landing_file.candidates(landing_dir)]
    paths += zengin_files(landing_dir)
    found = {}
    for path in paths:
        if path.is_file():
            stat = path.stat()
            found[path.relative_to(landing_dir).as_posix()] = (stat.st_mtime_ns, stat.st_size)
    return found


def settled(current: Mapping[str, Fingerprint], previous: Mapping[str, Fingerprint], settle_seconds: float,
            now_ns: int) -> dict[str, Fingerprint]:
    """The state to act on: a file modified less than settle_seconds ago keeps its previous
    fingerprint (or stays unknown) until it has been left alone that long."""
    state = {}
    for path, fingerprint in current.items():
        if now_ns - fingerprint[0] >= settle_seconds * 1e9:
            state[path] = fingerprint
        elif path in previous:
            state[path] = previous[path]
    return state


def changed_paths(previous: Mapping[str, Fingerprint], current: Mapping[str, Fingerprint]) -> list[str]:
    return sorted(path for path in previous.keys() | current.keys() if previous.get(path) != current.get(path))


def asset_of_path(path: str, files: Sequence[LandingFile]) -> dg.AssetKey:
    stem = ZENGIN_TABLE if path.startswith(f"{ZENGIN_FOLDER}/") else path.rsplit(".", 1)[0]
    return next(landing_file.asset_key for landing_file in files if landing_file.relative_stem == stem)


def build_landing_sensor(location: CodeLocation) -> dg.SensorDefinition:
    files = landing_files(location.manifest)

    @dg.sensor(
        name="landing_files_sensor",
        job=landing_refresh,
        minimum_interval_seconds=LANDING_SENSOR_INTERVAL_SECONDS,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Runs what depends on a landing file that changed (by modification time and size).",
    )
    def landing_files_sensor(context: dg.SensorEvaluationContext, settings: dg.ResourceParam[Settings]):
        previous = {path: tuple(fp) for path, fp in json.loads(context.cursor or "{}").items()}
        current = settled(scan_landing(settings.landing_dir, files), previous, settings.landing_settle_seconds,
                          time.time_ns())
        cursor = json.dumps(current, sort_keys=True)
        if context.cursor is None:
            return dg.SensorResult(skip_reason=f"Recorded {len(current)} landing files as the baseline.", cursor=cursor)
        changed = changed_paths(previous, current)
        if not changed:
            return dg.SensorResult(skip_reason="No landing file changed.", cursor=cursor)
        changed_assets = sorted({asset_of_path(path, files) for path in changed}, key=lambda key: key.to_user_string())
        selection = dg.AssetSelection.assets(*changed_assets).downstream()
        asset_keys = sorted(selection.resolve(context.repository_def.asset_graph), key=lambda key: key.to_user_string())
        run_key = hashlib.sha1(json.dumps({path: current.get(path) for path in changed}, sort_keys=True).encode()).hexdigest()
        return dg.SensorResult(
            run_requests=[
                dg.RunRequest(
                    run_key=run_key,
                    asset_selection=asset_keys,
                    tags={"ar/changed_files": ",".join(changed)[:200]},
                )
            ],
            cursor=cursor,
        )

    return landing_files_sensor


def build_run_failure_sensor(handlers: Sequence[RunFailureHandler]) -> dg.SensorDefinition:
    """The hook for failure alerts: every failed run of this code location reaches each handler
    (alerting registers its own through definitions.py)."""

    @dg.run_failure_sensor(
        name="run_failure_hook",
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Passes each failed run to the registered failure handlers (alerting).",
    )
    def run_failure_hook(context: dg.RunFailureSensorContext) -> None:
        context.log.error(
            f"Run {context.dagster_run.run_id} of {context.dagster_run.job_name} failed: "
            f"{context.failure_event.message}"
        )
        for handler in handlers:
            handler(context)

    return run_failure_hook


def build_definitions(location: CodeLocation) -> dg.Definitions:
    return dg.Definitions(
        jobs=[landing_refresh],
        sensors=[build_landing_sensor(location), build_run_failure_sensor(location.run_failure_handlers)],
    )
