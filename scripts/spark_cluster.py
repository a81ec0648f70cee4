"""A local Spark cluster for the warehouse: a standalone master, two workers and the Spark Thrift
(JDBC/ODBC) server in front of them, all on 127.0.0.1, from the `pyspark` wheel.

    python scripts/spark_cluster.py up       # start what is not running, wait until Thrift answers
    python scripts/spark_cluster.py down     # stop exactly the processes `up` started (pid files)
    python scripts/spark_cluster.py status
    python scripts/spark_cluster.py reset    # down, then delete every table and the metastore

It is the topology of a production cluster (a Thrift server in front of a master and workers),
shrunk onto one machine: dbt's `spark` target talks to the Thrift port the same way it would to a
company's cluster. State lives in `.spark/` (pid files, logs, the Derby metastore); tables in
AR_SPARK_WAREHOUSE_DIR (default `warehouse/spark`), as Parquet.

| variable | meaning | default |
|---|---|---|
| AR_SPARK_PORT | Thrift (HiveServer2) port | 10000 |
| AR_SPARK_MASTER_PORT | standalone master port | 7077 |
| AR_SPARK_WORKER_MEMORY | memory of each worker's executor | 2g |
| AR_SPARK_WAREHOUSE_DIR | where the tables' files live | warehouse/spark |
| AR_SPARK_START_SECONDS | how long `up` waits for the cluster | 240 |
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
STATE_DIR = REPO_ROOT / ".spark"
HOST = "127.0.0.1"
WORKERS = 2


def setting(name: str, default: str) -> str:
    return os.environ.get(name) or default


def spark_home() -> Path:
    import pyspark

    return Path(pyspark.__file__).resolve().parent


def warehouse_dir() -> Path:
    path = Path(setting("AR_SPARK_WAREHOUSE_DIR", "warehouse/spark"))
    return path if path.is_absolute() else REPO_ROOT / path


@dataclass(frozen=True)
class Component:
    name: str
    command: list[str]

    @property
    def pid_file(self) -> Path:
        return STATE_DIR / f"{self.name}.pid"

    @property
    def log_file(self) -> Path:
        return STATE_DIR / "logs" / f"{self.name}.log"

    def pid(self) -> int | None:
        """The pid of the running process `up` started, or None."""
        try:
            pid = int(self.pid_file.read_text())
        except (FileNotFoundError, ValueError):
            return None
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None
        return pid

    def start(self, environment: dict[str, str]) -> None:
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        with self.log_file.open("ab") as log:
            process = subprocess.Popen(
                self.command,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=environment,
                cwd=STATE_DIR,
                start_new_session=True,
            )
        self.pid_file.write_text(str(process.pid))

    def stop(self, grace_seconds: float = 30) -> None:
        pid = self.pid()
        if pid is not None:
            os.killpg(pid, signal.SIGTERM)
            deadline = time.monotonic() + grace_seconds
            while time.monotonic() < deadline and self.pid() is not None and not _reaped(pid):
                time.sleep(0.5)
            if self.pid() is not None and not _reaped(pid):
                os.killpg(pid, signal.SIGKILL)
        self.pid_file.unlink(missing_ok=True)


def _reaped(pid: int) -> bool:
    """True once the process is gone (a zombie child of ours counts as gone)."""
    try:
        finished, _ = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return False
    return finished == pid


def components() -> list[Component]:
    home = spark_home()
    master_port = setting("AR_SPARK_MASTER_PORT", "7077")
    master_url = f"spark://{HOST}:{master_port}"
    spark_class = str(home / "bin" / "spark-class")
    metastore = STATE_DIR / "metastore_db"
    found = [
        Component(
            "master",
            [
                spark_class,
                "org.apache.spark.deploy.master.Master",
                "--host",
                HOST,
                "--port",
                master_port,
                "--webui-port",
                "18080",
            ],
        )
    ]
    for number in range(1, WORKERS + 1):
        found.append(
            Component(
                f"worker-{number}",
                [
                    spark_class,
                    "org.apache.spark.deploy.worker.Worker",
                    "--host",
                    HOST,
                    "--cores",
                    "1",
                    "--memory",
                    setting("AR_SPARK_WORKER_MEMORY", "2g"),
                    "--webui-port",
                    str(18080 + number),
                    "--work-dir",
                    str(STATE_DIR / f"work-{number}"),
                    master_url,
                ],
            )
        )
    found.append(
        Component(
            "thrift",
            [
                str(home / "bin" / "spark-submit"),
                "--class",
                "org.apache.spark.sql.hive.thriftserver.HiveThriftServer2",
                "--master",
                master_url,
                "--name",
                "ar-warehouse-thrift",
                "--driver-memory",
                "2g",
                # The name normaliser (macros/normalise_name.sql) is one deeply nested expression: Spark's
                # SQL parser recurses once per level, beyond the default 1 MB thread stack.
                "--driver-java-options",
                "-Xss16m",
                "--executor-memory",
                setting("AR_SPARK_WORKER_MEMORY", "2g"),
                "--executor-cores",
                "1",
                "--total-executor-cores",
                str(WORKERS),
                "--conf",
                f"spark.sql.warehouse.dir={warehouse_dir()}",
                "--conf",
                f"spark.hadoop.javax.jdo.option.ConnectionURL=jdbc:derby:;databaseName={metastore};create=true",
                # The sample's tables are small: a few shuffle partitions, not 200, keep each query quick.
                "--conf",
                "spark.sql.shuffle.partitions=4",
                "--conf",
                "spark.sql.sources.partitionOverwriteMode=dynamic",
                # The promise allocation (int_promises_evaluated) is one step per round: its plan takes
                # more than the analyzer's default 100 resolution passes.
                "--conf",
                "spark.sql.analyzer.maxIterations=500",
                "--conf",
                "spark.ui.enabled=false",
                "--hiveconf",
                f"hive.server2.thrift.port={setting('AR_SPARK_PORT', '10000')}",
                "--hiveconf",
                f"hive.server2.thrift.bind.host={HOST}",
                "spark-internal",
            ],
        )
    )
    return found


def environment() -> dict[str, str]:
    values = dict(os.environ)
    values.update(
        {
            "SPARK_HOME": str(spark_home()),
            "SPARK_LOCAL_IP": HOST,
            "SPARK_LOCAL_HOSTNAME": "localhost",
            "SPARK_LOG_DIR": str(STATE_DIR / "logs"),
            "SPARK_CONF_DIR": str(STATE_DIR / "conf"),
            "PYSPARK_PYTHON": sys.executable,
        }
    )
    return values


def port_answers(port: int) -> bool:
    with socket.socket() as connection:
        connection.settimeout(1)
        return connection.connect_ex((HOST, port)) == 0


def alive_workers() -> int:
    try:
        with urllib.request.urlopen(f"http://{HOST}:18080/json/", timeout=2) as response:
            state = json.load(response)
    except OSError:
        return 0
    return sum(1 for worker in state.get("workers", []) if worker.get("state") == "ALIVE")


def thrift_answers() -> bool:
    from pyhive import hive

    logging.getLogger("thrift").setLevel(logging.CRITICAL)  # "could not connect" while it starts

    try:
        connection = hive.connect(host=HOST, port=int(setting("AR_SPARK_PORT", "10000")), username="dbt")
    except Exception:  # not up yet: refused, reset, or a handshake cut short
        return False
    try:
        cursor = connection.cursor()
        cursor.execute("select 1")
        return cursor.fetchall() == [(1,)]
    except Exception:
        return False
    finally:
        connection.close()


def wait_for(description: str, ready, seconds: float, watched: list[Component]) -> None:
    deadline = time.monotonic() + seconds
    while not ready():
        dead = [component.name for component in watched if component.pid() is None]
        if dead or time.monotonic() > deadline:
            reason = f"{', '.join(dead)} exited" if dead else f"not ready after {seconds:.0f} s"
            logs = ", ".join(str(component.log_file) for component in watched)
            raise SystemExit(f"Spark {description}: {reason}. See {logs}")
        time.sleep(2)


def up() -> None:
    if not any(Path(directory, "java").exists() for directory in os.environ.get("PATH", "").split(os.pathsep)):
        raise SystemExit("Spark needs Java (17 or later): apt-get install -y openjdk-17-jre-headless")
    STATE_DIR.mkdir(exist_ok=True)
    (STATE_DIR / "conf").mkdir(exist_ok=True)
    warehouse_dir().mkdir(parents=True, exist_ok=True)
    master, *workers, thrift = components()
    env = environment()
    seconds = float(setting("AR_SPARK_START_SECONDS", "240"))
    if master.pid() is None:
        master.start(env)
    wait_for("master", lambda: port_answers(int(setting("AR_SPARK_MASTER_PORT", "7077"))), seconds, [master])
    for worker in workers:
        if worker.pid() is None:
            worker.start(env)
    wait_for("workers", lambda: alive_workers() >= WORKERS, seconds, [master, *workers])
    if thrift.pid() is None:
        thrift.start(env)
    wait_for("Thrift server", thrift_answers, seconds, [master, *workers, thrift])
    print(
        f"Spark is up: master spark://{HOST}:{setting('AR_SPARK_MASTER_PORT', '7077')}, {WORKERS} workers, "
        f"Thrift on {HOST}:{setting('AR_SPARK_PORT', '10000')}, tables in {warehouse_dir()}"
    )


def down() -> None:
    for component in reversed(components()):
        component.stop()
    print("Spark is down.")


def reset() -> None:
    """A clean slate (make test-spark starts from one): the ledgers that survive full refreshes
    would otherwise carry history from earlier builds on other data."""
    import shutil

    down()
    shutil.rmtree(warehouse_dir(), ignore_errors=True)
    shutil.rmtree(STATE_DIR / "metastore_db", ignore_errors=True)
    print(f"Removed the Spark tables ({warehouse_dir()}) and the metastore.")


def status() -> int:
    running = {component.name: component.pid() for component in components()}
    for name, pid in running.items():
        print(f"{name:<9} {'running, pid ' + str(pid) if pid else 'stopped'}")
    return 0 if all(running.values()) else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["up", "down", "reset", "status"])
    command = parser.parse_args(argv).command
    if command == "status":
        return status()
    {"up": up, "down": down, "reset": reset}[command]()
    return 0


if __name__ == "__main__":
    sys.exit(main())
