"""A throwaway Virtuoso server on loopback, for the remote-backend tests.

Virtuoso comes from Debian's ``virtuoso-opensource-7-bin`` package, which ``run.py test``
installs. Each server gets its own database folder and free ports, runs in the foreground
as a child process, and is stopped when the tests end.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
NumberOfBuffers = 20000
MaxDirtyBuffers = 15000
DirsAllowed = ., {dir}
CheckpointInterval = 0
; A push replaces a graph in one transaction; let one hold a 128 MB graph (the default is 50 MB).
TransactionAfterImageLimit = 1500000000

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}
MaxClientConnections = 4
ServerThreads = 4

[SPARQL]
ResultSetMaxRows = {max_rows}
MaxQueryExecutionTime = 120
"""

USER, PASSWORD = "dba", "dba"  # a fresh database's administrator; the server listens on loopback only


@dataclass
class Virtuoso:
    process: subprocess.Popen
    folder: Path
    http_port: int

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def sparql(self) -> str:
        return f"{self.base}/sparql"

    @property
    def sparql_auth(self) -> str:
        return f"{self.base}/sparql-auth"

    @property
    def graph_store(self) -> str:
        return f"{self.base}/sparql-graph-crud-auth"

    def log(self) -> str:
        path = self.folder / "virtuoso.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def restart(folder: Path, timeout: float = 90.0) -> Virtuoso:
    """Start a server again on the database in ``folder`` (after a kill: the lock file it left is
    removed, and the server recovers from its transaction log)."""
    (folder / "virtuoso.lck").unlink(missing_ok=True)
    return start(folder, timeout)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def executable() -> str | None:
    return shutil.which("virtuoso-t")


def start(folder: Path, timeout: float = 90.0, max_rows: int = 1_000_000) -> Virtuoso:
    """Start a server with an empty database in ``folder`` and wait until /sparql answers;
    ``max_rows`` is the most rows it gives in one answer (its ResultSetMaxRows)."""
    binary = executable()
    if binary is None:
        raise RuntimeError(
            "virtuoso-t is not installed; `python3 run.py test` installs Debian's virtuoso-opensource-7-bin package"
        )
    folder.mkdir(parents=True, exist_ok=True)
    http_port, sql_port = free_port(), free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(INI.format(dir=folder, sql_port=sql_port, http_port=http_port, max_rows=max_rows))
    process = subprocess.Popen(
        [binary, "+foreground", "+configfile", str(ini)],
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = Virtuoso(process, folder, http_port)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"Virtuoso exited with code {process.returncode}:\n{server.log()}")
        try:
            with urllib.request.urlopen(f"{server.sparql}?query=ASK%7B%7D", timeout=2) as response:
                if response.status == 200:
                    return server
        except OSError:
            time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"Virtuoso did not answer within {timeout:g} s:\n{server.log()}")
