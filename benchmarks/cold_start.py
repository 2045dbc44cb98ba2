"""Cold start of the API function, laid out as Lambda runs it. Prints figures; never asserts.

What it does:

1. ``chalice package`` (managed layer), then the optimized assets of ``make package`` (unchecked-hash
   ``.pyc``); both the raw and the optimized zips are measured.
2. Lays each out as Lambda does: the app zip in ``task/`` (``/var/task``), the layer in ``opt/``
   (``/opt``), every file and folder dated 1980-01-01 and read-only, ``PYTHONDONTWRITEBYTECODE``.
3. For each run, a fresh ``python -S`` process (no site-packages, like the runtime) with only the
   task and layer folders on ``sys.path`` and a Lambda-like environment times:
   - ``import app`` (the API handler's module);
   - the first request after it: ``GET /v1/admin/websites`` with a bearer token from the dev
     issuer, through ``app.app(event, context)`` (settings, JWT verification, the PynamoDB client
     and two calls to a stub DynamoDB endpoint on 127.0.0.1 that this script serves);
   - the baseline: importing only chalice, boto3, pynamodb, pydantic and the Powertools Logger.
4. Prints medians, the ratio ``import app`` / baseline, and where ``import app`` spends its time
   (``python -X importtime``): the heaviest imports beyond the baseline and which module pulls them.

Goal (issue 3): ``import app`` at most 250 ms median and at most 1.2x the baseline.

    .venv/bin/python benchmarks/cold_start.py [--runs 9] [--top 15]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "infrastructure")]

from kontor_infra.packaging import APP, ARCHIVES, LAYER, chalice_package, optimize_output  # noqa: E402

LAMBDA_EPOCH = 315532800  # 1980-01-01T00:00:00Z, the date Lambda's extracted files carry
TENANT = "acme"
EMAIL = "admin@acme.example"
ROUTE = "/v1/admin/websites"
BASELINE_IMPORTS = (
    "import boto3",
    "from chalice import Chalice",
    "from pynamodb.models import Model",
    "from pydantic import BaseModel",
    "from aws_lambda_powertools import Logger",
)

CHILD = r"""
import json, os, sys, time
started = time.perf_counter()
{imports}
imported = time.perf_counter()
result = {{"import_ms": (imported - started) * 1000, "modules": len(sys.modules)}}
if os.environ.get("BENCH_EVENT"):
    class Context:
        aws_request_id = "bench-request"
        function_name = os.environ["AWS_LAMBDA_FUNCTION_NAME"]
        function_version = "$LATEST"
        memory_limit_in_mb = 1024
        invoked_function_arn = "arn:aws:lambda:eu-west-1:000000000000:function:" + function_name
        log_group_name = "/aws/lambda/" + function_name
        log_stream_name = "bench"
        def get_remaining_time_in_millis(self):
            return 15000
    event = json.loads(os.environ["BENCH_EVENT"])
    before = time.perf_counter()
    response = app.app(event, Context())
    result["request_ms"] = (time.perf_counter() - before) * 1000
    result["status"] = response["statusCode"]
with open(os.environ["BENCH_RESULT"], "w") as out:
    json.dump(result, out)
"""


@dataclass
class Layout:
    """An extracted function: ``task`` (/var/task) and ``opt`` (/opt)."""

    name: str
    root: Path

    @property
    def task(self) -> Path:
        return self.root / "task"

    @property
    def python_path(self) -> str:
        site = self.root / "opt" / LAYER.import_root
        return os.pathsep.join([str(self.task), str(site), str(self.root / "opt" / "python")])


@dataclass
class Figures:
    import_ms: list[float] = field(default_factory=list)
    request_ms: list[float] = field(default_factory=list)
    statuses: set[int] = field(default_factory=set)
    modules: int = 0

    @property
    def import_median(self) -> float:
        return statistics.median(self.import_ms)

    def describe(self, values: list[float]) -> str:
        return (
            f"median {statistics.median(values):7.1f} ms  (min {min(values):6.1f}, max {max(values):6.1f}, "
            f"n={len(values)})"
        )


def extract(archive_zip: Path, destination: Path) -> None:
    """Unzip as Lambda does: 1980 dates on files and folders, nothing writable."""
    with zipfile.ZipFile(archive_zip) as package:
        package.extractall(destination)
    for path in sorted(destination.rglob("*"), reverse=True):
        os.utime(path, (LAMBDA_EPOCH, LAMBDA_EPOCH), follow_symlinks=False)
        path.chmod(0o555 if path.is_dir() else 0o444)
    destination.chmod(0o555)


def build_layouts(scratch: Path) -> list[Layout]:
    package_dir = scratch / "package"
    chalice_package(package_dir, "dev")
    raw = scratch / "raw"
    raw.mkdir()
    for archive in ARCHIVES:
        shutil.copyfile(package_dir / archive.filename, raw / archive.filename)
    stats = optimize_output(package_dir)
    for archive, archive_stats in stats.items():
        print(f"asset {archive.mount:9} {archive_stats.describe()}")
    layouts = []
    for name, source in (("chalice package (no .pyc)", raw), ("optimized asset (make package)", package_dir)):
        layout = Layout(name, scratch / ("raw-layout" if source == raw else "layout"))
        extract(source / APP.filename, layout.task)
        extract(source / LAYER.filename, layout.root / "opt")
        layouts.append(layout)
    return layouts


def staff_record(key: dict[str, Any]) -> dict[str, Any]:
    """The tenant administrator's staff item, as DynamoDB returns it."""
    return {
        **key,
        "type": {"S": "staff_user"},
        "version": {"N": "1"},
        "data": {
            "M": {
                "id": {"S": "stf_01JD0000000000000000000000"},
                "email": {"S": EMAIL},
                "name": {"S": "Ann Admin"},
                "status": {"S": "active"},
                "assignments": {"L": [{"M": {"role_id": {"S": "tenant-administrator"}}}]},
                "created_at": {"S": "2026-11-27T00:00:00.000Z"},
                "updated_at": {"S": "2026-11-27T00:00:00.000Z"},
            }
        },
    }


class StubDynamoDB(BaseHTTPRequestHandler):
    """Answers the first request's DynamoDB calls: the caller's staff record, an empty page."""

    def do_POST(self) -> None:
        request = json.loads(self.rfile.read(int(self.headers["Content-Length"])) or b"{}")
        operation = self.headers.get("X-Amz-Target", "").rsplit(".", 1)[-1]
        if operation == "BatchGetItem":
            [(table, wanted)] = request["RequestItems"].items()
            staff = [key for key in wanted["Keys"] if key["PK"]["S"].endswith("#STAFF")]
            body: dict[str, Any] = {
                "Responses": {table: [staff_record(key) for key in staff]},
                "UnprocessedKeys": {},
            }
        elif operation == "Query":
            body = {"Items": [], "Count": 0, "ScannedCount": 0}
        else:
            body = {}
        payload = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/x-amz-json-1.0")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        return


@contextmanager
def stub_dynamodb() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), StubDynamoDB)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def api_event(token: str) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}", "Host": "api.example.com", "Accept": "application/json"}
    return {
        "resource": ROUTE,
        "path": ROUTE,
        "httpMethod": "GET",
        "headers": headers,
        "multiValueHeaders": {name: [value] for name, value in headers.items()},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": None,
        "stageVariables": None,
        "requestContext": {
            "resourcePath": ROUTE,
            "httpMethod": "GET",
            "path": f"/api{ROUTE}",
            "stage": "api",
            "requestId": "bench-request",
            "accountId": "000000000000",
            "apiId": "bench",
            "domainName": "api.example.com",
            "identity": {"sourceIp": "127.0.0.1"},
        },
        "body": None,
        "isBase64Encoded": False,
    }


def lambda_env(layout: Layout, scratch: Path, endpoint: str, *, tracing: bool) -> dict[str, str]:
    """A Lambda-like environment; no credentials or endpoints of this machine leak in."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "TZ": ":UTC",
        "HOME": str(scratch),
        "PYTHONPATH": layout.python_path,
        "PYTHONDONTWRITEBYTECODE": "1",
        "LAMBDA_TASK_ROOT": str(layout.task),
        "AWS_EXECUTION_ENV": "AWS_Lambda_python3.11",
        "AWS_LAMBDA_FUNCTION_NAME": "kontor-bench-api",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "1024",
        "AWS_REGION": "eu-west-1",
        "AWS_DEFAULT_REGION": "eu-west-1",
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
        "AWS_SESSION_TOKEN": "bench",
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_XRAY_DAEMON_ADDRESS": "127.0.0.1:2000",
        "AWS_XRAY_CONTEXT_MISSING": "LOG_ERROR",
        # Unsampled, as most requests are (a sampled one: see the report about put_annotation).
        "_X_AMZN_TRACE_ID": "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=0",
        "POWERTOOLS_SERVICE_NAME": "kontor",
        "POWERTOOLS_METRICS_NAMESPACE": "Kontor",
        "KONTOR_STAGE": "local",  # the dev issuer (a local key) is trusted in local and test only
        "KONTOR_TABLE": "kontor-bench",
        "KONTOR_QUEUE_PREFIX": "kontor-bench",
        "KONTOR_DEV_ISSUER_DIR": str(scratch / "dev-issuer"),
        "KONTOR_DYNAMODB_ENDPOINT": endpoint,
        "KONTOR_CURSOR_SECRET": "bench-cursor-secret-0123456789abcdef",
        "KONTOR_TRACING": "true" if tracing else "false",
    }


def run_once(
    layout: Layout, env: dict[str, str], imports: str, scratch: Path, event: str | None
) -> dict[str, Any]:
    result_file = scratch / "result.json"
    result_file.unlink(missing_ok=True)
    child_env = {**env, "BENCH_RESULT": str(result_file)}
    if event is not None:
        child_env["BENCH_EVENT"] = event
    completed = subprocess.run(
        [sys.executable, "-S", "-c", CHILD.format(imports=imports)],
        cwd=layout.task,
        env=child_env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if completed.returncode != 0 or not result_file.exists():
        raise RuntimeError(f"benchmark process failed:\n{completed.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(result_file.read_text())
    return result


def measure(
    layout: Layout, env: dict[str, str], imports: str, scratch: Path, runs: int, event: str | None = None
) -> Figures:
    figures = Figures()
    for _ in range(runs):
        result = run_once(layout, env, imports, scratch, event)
        figures.import_ms.append(result["import_ms"])
        figures.modules = result["modules"]
        if "request_ms" in result:
            figures.request_ms.append(result["request_ms"])
            figures.statuses.add(result["status"])
    return figures


@dataclass
class Node:
    name: str
    self_us: int
    cumulative_us: int
    children: list[Node] = field(default_factory=list)
    parent: Node | None = None


def import_tree(layout: Layout, env: dict[str, str], statement: str) -> list[Node]:
    """``python -X importtime``, as a forest (the output lists each module after its imports)."""
    completed = subprocess.run(
        [sys.executable, "-S", "-X", "importtime", "-c", statement],
        cwd=layout.task,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    pending: dict[int, list[Node]] = {}
    for line in completed.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, cumulative_us, name = line.split(":", 1)[1].split("|", 2)
        depth = (len(name) - len(name.lstrip()) - 1) // 2  # "| " then two spaces per level
        node = Node(name.strip(), int(self_us), int(cumulative_us), pending.pop(depth + 1, []))
        for child in node.children:
            child.parent = node
        pending.setdefault(depth, []).append(node)
    return pending.get(0, [])


def walk(nodes: list[Node]) -> Iterator[Node]:
    for node in nodes:
        yield node
        yield from walk(node.children)


def _ours(name: str) -> bool:
    return name == "app" or name.startswith("chalicelib")


def report_imports(layout: Layout, env: dict[str, str], top: int) -> None:
    app_nodes = list(walk(import_tree(layout, env, "import app")))
    baseline_nodes = import_tree(layout, env, "; ".join(BASELINE_IMPORTS))
    baseline = {node.name for node in walk(baseline_nodes)}
    total_ms = sum(node.self_us for node in app_nodes) / 1000
    print(f"\n-X importtime of `import app` (inflated by the tracing itself): {total_ms:.0f} ms self time")

    by_package: dict[str, int] = {}
    for node in app_nodes:
        package = node.name.split(".")[0]
        by_package[package] = by_package.get(package, 0) + node.self_us
    print("\nself time by top-level package:")
    for package, micros in sorted(by_package.items(), key=lambda item: -item[1])[:top]:
        marker = "" if any(name.split(".")[0] == package for name in baseline) else "   (not in the baseline)"
        print(f"  {micros / 1000:7.1f} ms  {package}{marker}")

    print(
        "\nimports beyond the baseline, heaviest first (ms of modules the baseline does not load, "
        "cumulative ms, first imported by):"
    )

    def extra_us(node: Node) -> int:
        return sum(
            item.self_us for item in walk([node]) if item.name not in baseline and not _ours(item.name)
        )

    heads = [
        node
        for node in app_nodes
        if not _ours(node.name)
        and node.name not in baseline
        and (node.parent is None or _ours(node.parent.name) or node.parent.name in baseline)
    ]
    for node in sorted(heads, key=lambda item: -extra_us(item))[:top]:
        chain = []
        parent = node.parent
        while parent is not None and not _ours(parent.name):
            chain.append(parent.name)
            parent = parent.parent
        importer = parent.name if parent is not None else "(top level)"
        via = f" via {' <- '.join(chain)}" if chain else ""
        print(
            f"  {extra_us(node) / 1000:7.1f} ms  ({node.cumulative_us / 1000:6.1f})  {node.name:30} "
            f"<- {importer}{via}"
        )

    loaded = {node.name for node in app_nodes}
    skipped = [node for node in walk(baseline_nodes) if node.name not in loaded and node.parent is not None]
    skipped_ms = sum(node.self_us for node in skipped) / 1000
    skipped_packages = sorted({node.name.split(".")[0] for node in skipped})
    print(f"\nbaseline modules `import app` does not load: {skipped_ms:.0f} ms self time")
    print(f"  ({', '.join(skipped_packages)})")

    ours = [node for node in app_nodes if _ours(node.name)]
    print("\nKontor modules by self time (running the module body: classes, pydantic schemas, tables):")
    for node in sorted(ours, key=lambda item: -item.self_us)[:top]:
        print(f"  {node.self_us / 1000:7.1f} ms  {node.name}")
    print("\nKontor modules by cumulative time (with everything they import first):")
    for node in sorted(ours, key=lambda item: -item.cumulative_us)[:top]:
        print(f"  {node.cumulative_us / 1000:7.1f} ms  {node.name}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="fresh processes per figure (at least 7)")
    parser.add_argument("--top", type=int, default=15, help="rows in the import report")
    args = parser.parse_args()
    runs = max(args.runs, 7)

    from chalicelib.platform.dev_issuer import mint_token

    scratch = Path(tempfile.mkdtemp(prefix="kontor-cold-start-"))
    try:
        token = mint_token(scratch / "dev-issuer", tenant_id=TENANT, email=EMAIL)
        event = json.dumps(api_event(token))
        print(f"python {sys.version.split()[0]} ({sys.executable}), {os.cpu_count()} cores, {runs} runs each")
        layouts = build_layouts(scratch)
        raw, optimized = layouts
        with stub_dynamodb() as endpoint:
            env_on = lambda_env(optimized, scratch, endpoint, tracing=True)
            env_off = lambda_env(optimized, scratch, endpoint, tracing=False)
            baseline = measure(optimized, env_on, "\n".join(BASELINE_IMPORTS), scratch, runs)
            cold = measure(optimized, env_on, "import app", scratch, runs, event)
            untraced = measure(optimized, env_off, "import app", scratch, runs, event)
            sampled_env = {
                **env_on,
                "_X_AMZN_TRACE_ID": env_on["_X_AMZN_TRACE_ID"].replace("Sampled=0", "Sampled=1"),
            }
            sampled = measure(optimized, sampled_env, "import app", scratch, 1, event)
            unoptimized = measure(
                raw, lambda_env(raw, scratch, endpoint, tracing=True), "import app", scratch, runs
            )

        print(f"\n{optimized.name}:")
        print(
            f"  import app                           {cold.describe(cold.import_ms)}  [{cold.modules} mods]"
        )
        print(
            f"  first request, tracing on (deployed) {cold.describe(cold.request_ms)}  "
            f"status {sorted(cold.statuses)}"
        )
        print(
            f"  first request, tracing off           {untraced.describe(untraced.request_ms)}  "
            f"status {sorted(untraced.statuses)}"
        )
        print(f"  first request, sampled X-Ray trace   status {sorted(sampled.statuses)}  (200 expected)")
        print(
            f"  baseline imports                     {baseline.describe(baseline.import_ms)}  "
            f"[{baseline.modules} modules: {', '.join(BASELINE_IMPORTS)}]"
        )
        ratio = cold.import_median / baseline.import_median
        print(f"  ratio import app / baseline          {ratio:.2f}x   (goal: <= 1.20x and <= 250 ms)")
        print(f"\n{raw.name}:")
        print(f"  import app                           {unoptimized.describe(unoptimized.import_ms)}")
        print(f"  .pyc speed-up                        {unoptimized.import_median / cold.import_median:.2f}x")
        report_imports(optimized, env_on, args.top)
    finally:
        for path in scratch.rglob("*"):
            if path.is_dir() and not path.is_symlink():
                path.chmod(0o755)
        scratch.chmod(0o755)
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
