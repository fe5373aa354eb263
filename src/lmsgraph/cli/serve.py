"""``lmsgraph serve``: the graph on the web (:mod:`lmsgraph.serve`), read-only."""

from __future__ import annotations

import copy
import ipaddress
import signal
import socket
from pathlib import Path
from typing import Any

import click

from lmsgraph.cli import cli, note
from lmsgraph.cli.query import data_option, positive


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (loopback by default).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port (0: any free one).")
@data_option()
@click.option(
    "--store",
    "store_dir",
    type=click.Path(path_type=Path),
    help="Serve the on-disk store made by `lmsgraph load --store DIR` instead of loading the graph.",
)
@positive("--timeout", 10.0, "Seconds a SPARQL query or canned query has for its whole answer (then: 503).")
@positive("--max-answer-mb", 16.0, "The largest SPARQL answer, in MB (a larger one: 500, never cut short).")
@positive("--max-request-kb", 128.0, "The largest request body, in KB (a larger one: 413).")
@click.option(
    "--max-running",
    type=click.IntRange(min=1),
    default=4,
    show_default=True,
    help="SPARQL queries running at once (one more: 503).",
)
@click.option(
    "--cors", is_flag=True, help="Let web pages of any origin read the answers (for query editors on the web)."
)
def serve(
    host: str,
    port: int,
    data_files: tuple[Path, ...],
    store_dir: Path | None,
    timeout: float,
    max_answer_mb: float,
    max_request_kb: float,
    max_running: int,
    cors: bool,
) -> None:
    """Serve the graph on the web: a page per term, the canned queries, a read-only SPARQL endpoint."""
    import uvicorn.config

    from lmsgraph.command import open_graph
    from lmsgraph.errors import UsageError
    from lmsgraph.serve.app import create_app
    from lmsgraph.serve.sparql import ServeLimits

    limits = ServeLimits(
        timeout=timeout,
        max_answer_bytes=int(max_answer_mb * 2**20),
        max_request_bytes=int(max_request_kb * 2**10),
        max_running=max_running,
    )
    kg = open_graph(None, None, None, None, None, "digest", timeout, None, 256.0, store_dir, data_files)
    about = (
        f"the store {store_dir}"
        if store_dir is not None
        else "the bundled graph" + (f" and {', '.join(str(p) for p in data_files)}" if data_files else "")
    )
    app = create_app(kg, limits, about=about, cors=cors)
    try:
        family = socket.AF_INET6 if ipaddress.ip_address(host).version == 6 else socket.AF_INET
    except ValueError:
        raise UsageError(
            "give an IP address to listen on (127.0.0.1, ::1, 0.0.0.0)", field="host", value=host
        ) from None
    # IPPROTO_TCP named, so that asyncio sets TCP_NODELAY on every connection accepted (it checks the
    # protocol): without it, an answer sent in two writes waits for the client's delayed ACK, 40 ms.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(2048)  # from here on a request waits for the server, never refused
    except OSError as exc:
        sock.close()
        raise UsageError(f"cannot listen on {host} port {port}: {exc.strerror}", field="port", value=port) from None
    bound = sock.getsockname()[1]
    shown_host = f"[{host}]" if family == socket.AF_INET6 else host
    if not ipaddress.ip_address(host).is_loopback:
        click.echo(
            f"lmsgraph: listening on {host}, which other machines may reach", err=True
        )  # a warning: never silenced
    click.echo(f"lmsgraph: serving {about} at http://{shown_host}:{bound}/ (Ctrl-C stops)", err=True)
    logging = copy.deepcopy(uvicorn.config.LOGGING_CONFIG)
    logging["handlers"]["access"]["stream"] = "ext://sys.stderr"  # every log line on one stream
    config = uvicorn.Config(app, log_level="info", access_log=True, log_config=logging, timeout_graceful_shutdown=5)
    server = _server_class()(config)
    server.run(sockets=[sock])
    names = ", ".join(signal.Signals(s).name for s in server.stopped_by)
    note(f"lmsgraph: stopped{f' ({names})' if names else ''}")


def _server_class():
    import uvicorn

    class Server(uvicorn.Server):
        """uvicorn's server, stopping with exit status 0 once it has shut down on SIGINT or
        SIGTERM (uvicorn would raise the signal again after its graceful shutdown, so that the
        process ends as killed by it)."""

        stopped_by: list[int]

        def handle_exit(self, sig: int, frame: Any) -> None:
            self.__dict__.setdefault("stopped_by", []).append(sig)
            super().handle_exit(sig, frame)
            self._captured_signals.clear()

        def run(self, sockets: list[socket.socket] | None = None) -> None:
            self.__dict__.setdefault("stopped_by", [])
            super().run(sockets=sockets)

    return Server
