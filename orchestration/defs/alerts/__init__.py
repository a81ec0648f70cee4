"""Alerts: delivery of new KPI alerts after publication, its retries, and failed runs to people."""

import dagster as dg

from orchestration.defs.alerts.assets import alert_deliveries
from orchestration.defs.alerts.sensors import alert_retry_sensor, failed_run_alerts
from orchestration.resources import CodeLocation


def build_definitions(location: CodeLocation) -> dg.Definitions:
    return dg.Definitions(assets=[alert_deliveries], sensors=[alert_retry_sensor, failed_run_alerts])
