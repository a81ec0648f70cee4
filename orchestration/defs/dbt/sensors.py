"""New landing files start a run of what depends on them, once they have settled."""

import hashlib
import json
import time

import dagster as dg

from orchestration.defs.dbt.schedules import EVERYTHING
from orchestration.defs.dbt.translator import landing_asset_key
from orchestration.lib.landing import changed_paths, landing_files, scan_landing, settled, stem_of_path
from orchestration.resources import DUCKDB_WRITER_TAG, CodeLocation, Settings

LANDING_SENSOR_INTERVAL_SECONDS = 60

landing_refresh = dg.define_asset_job(
    name="landing_refresh",
    selection=EVERYTHING,
    description="What depends on landing files that changed; the landing sensor picks the subset.",
    tags={DUCKDB_WRITER_TAG: "build"},
)


def build_landing_sensor(location: CodeLocation) -> dg.SensorDefinition:
    files = landing_files(location.manifest)
    keys = {
        landing_file.relative_stem: landing_asset_key(landing_file.system, landing_file.table) for landing_file in files
    }

    @dg.sensor(
        name="landing_files_sensor",
        job=landing_refresh,
        minimum_interval_seconds=LANDING_SENSOR_INTERVAL_SECONDS,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Runs what depends on a landing file that changed (by modification time and size).",
    )
    def landing_files_sensor(context: dg.SensorEvaluationContext, settings: Settings) -> dg.SensorResult:
        previous = {path: (fp[0], fp[1]) for path, fp in json.loads(context.cursor or "{}").items()}
        current = settled(
            scan_landing(settings.landing_dir, files), previous, settings.landing_settle_seconds, time.time_ns()
        )
        cursor = json.dumps(current, sort_keys=True)
        if context.cursor is None:
            return dg.SensorResult(skip_reason=f"Recorded {len(current)} landing files as the baseline.", cursor=cursor)
        changed = changed_paths(previous, current)
        if not changed:
            return dg.SensorResult(skip_reason="No landing file changed.", cursor=cursor)
        selection = dg.AssetSelection.assets(*{keys[stem_of_path(path)] for path in changed}).downstream()
        assert context.repository_def is not None, "a sensor evaluates within its code location"
        asset_keys = sorted(selection.resolve(context.repository_def.asset_graph), key=lambda key: key.to_user_string())
        run_key = hashlib.sha1(json.dumps({path: current.get(path) for path in changed}, sort_keys=True).encode())
        return dg.SensorResult(
            run_requests=[
                dg.RunRequest(
                    run_key=run_key.hexdigest(),
                    asset_selection=asset_keys,
                    tags={"ar/changed_files": ",".join(changed)[:200]},
                )
            ],
            cursor=cursor,
        )

    return landing_files_sensor
