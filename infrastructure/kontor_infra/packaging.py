"""The Lambda assets: chalice's package, recompiled for a fast cold start and made reproducible.

``chalice package`` with ``automatic_layer`` builds two zips: ``deployment.zip`` (app.py,
chalicelib/, chalice's runtime) extracted to ``/var/task``, and ``layer-deployment.zip`` (the
runtime lock in requirements.txt as manylinux wheels, boto3 and botocore pinned) extracted to
``/opt``. Chalice caches the layer by requirements.txt alone, so a code change rebuilds only the
small app zip, with no download. On Lambda both folders are read-only: without ``.pyc`` files every
cold start compiles every imported module again. :func:`optimize_package` rewrites each zip:

- every ``.py`` gets a ``__pycache__/<name>.cpython-311.pyc`` compiled by this interpreter, which
  must be the runtime's version, in ``unchecked-hash`` mode: the loader trusts the ``.pyc`` without
  reading the source's mtime, and tracebacks name the paths on Lambda (``/var/task/...``);
- tests, type stubs and dev tools are dropped (they are not in the runtime lock, but a wrong lock
  must not ship them either);
- entries are sorted and dated 1980-01-01, so the same sources give the same bytes and a CDK asset
  hash changes only when its content does (no needless uploads or function updates on deploy).

``python -m kontor_infra.packaging`` (``make package``) builds both and prints their sizes.
"""

from __future__ import annotations

import argparse
import compileall
import hashlib
import json
import os
import py_compile
import shutil
import stat
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
RUNTIME = "python3.11"
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
# Optimized zips are cached next to chalice's own package cache (git-ignored), keyed by content.
CACHE_DIR = REPO_ROOT / ".chalice" / "deployments"
CACHE_KEEP = 6

# Path components that never belong in an asset, and top-level packages of dev tools.
EXCLUDED_DIRS = frozenset({"tests", "__pycache__"})
EXCLUDED_SUFFIXES = (".pyc", ".pyo", ".pyi")
DEV_TOOLS = frozenset(
    {
        "_pytest",
        "pytest",
        "moto",
        "ruff",
        "mypy",
        "cfnlint",
        "aws_cdk",
        "jsii",
        "constructs",
        "pip",
        "setuptools",
        "chalice/cli",
        "chalice/deploy",
        "local",
        "benchmarks",
        "infrastructure",
    }
)

# chalice settings of every build: dependencies in a managed layer; roles come from the CDK stack,
# so chalice is given a placeholder that the stack overrides on every function.
PACKAGING_CONFIG: dict[str, Any] = {
    "automatic_layer": True,
    "manage_iam_role": False,
    "iam_role_arn": "arn:aws:iam::000000000000:role/replaced-by-the-stack",
}


@dataclass(frozen=True)
class Archive:
    """One zip chalice writes and where Lambda extracts it."""

    filename: str
    mount: str
    import_root: str  # the folder inside the zip that is on sys.path

    def relative(self, name: str) -> str | None:
        """``name`` relative to the import root, or None outside it."""
        return name.removeprefix(self.import_root) if name.startswith(self.import_root) else None


APP = Archive("deployment.zip", "/var/task", "")
LAYER = Archive("layer-deployment.zip", "/opt", f"python/lib/{RUNTIME}/site-packages/")
ARCHIVES = (APP, LAYER)


@dataclass(frozen=True)
class PackageStats:
    path: Path
    zipped_bytes: int
    unzipped_bytes: int
    files: int
    pyc_files: int

    def describe(self) -> str:
        return (
            f"{self.path.name}: {self.zipped_bytes / 1e6:.1f} MB zipped, "
            f"{self.unzipped_bytes / 1e6:.1f} MB unzipped, {self.files} files ({self.pyc_files} .pyc)"
        )


def check_interpreter(runtime: str = RUNTIME) -> None:
    """``.pyc`` files only load on the Python version that wrote them."""
    here = f"python{sys.version_info.major}.{sys.version_info.minor}"
    if here != runtime:
        raise RuntimeError(f"the Lambda runtime is {runtime} but this interpreter is {here}")


def excluded(name: str, archive: Archive) -> bool:
    """Whether a zip entry stays out of the asset (tests, stubs, stale bytecode, dev tools)."""
    parts = name.split("/")
    if any(part in EXCLUDED_DIRS for part in parts[:-1]) or name.endswith(EXCLUDED_SUFFIXES):
        return True
    relative = archive.relative(name)
    if relative is None:
        return False
    top = relative.split("/")
    return top[0] in DEV_TOOLS or "/".join(top[:2]) in DEV_TOOLS


def _content_key(zip_path: Path, archive: Archive) -> str:
    """A digest of the zip's entries (names, sizes, CRCs), blind to the timestamps chalice writes."""
    digest = hashlib.sha256(f"{archive}:{sys.version}".encode())
    digest.update(Path(__file__).read_bytes())  # any change to this module rebuilds
    with zipfile.ZipFile(zip_path) as source:
        for info in sorted(source.infolist(), key=lambda entry: entry.filename):
            digest.update(f"{info.filename}:{info.file_size}:{info.CRC}:{info.external_attr}\n".encode())
    return digest.hexdigest()[:32]


def package_stats(zip_path: Path) -> PackageStats:
    with zipfile.ZipFile(zip_path) as package:
        entries = package.infolist()
    return PackageStats(
        path=zip_path,
        zipped_bytes=zip_path.stat().st_size,
        unzipped_bytes=sum(entry.file_size for entry in entries),
        files=len(entries),
        pyc_files=sum(1 for entry in entries if entry.filename.endswith(".pyc")),
    )


def optimize_package(
    zip_path: Path, archive: Archive, runtime: str = RUNTIME, cache_dir: Path | None = CACHE_DIR
) -> PackageStats:
    """Rewrite ``zip_path`` in place: drop dev files, add unchecked-hash ``.pyc``, fix order and dates.

    The result is cached by the input's content, so a second stage or an unchanged re-synth is quick.
    """
    check_interpreter(runtime)
    cached = cache_dir / f"optimized-{_content_key(zip_path, archive)}.zip" if cache_dir else None
    if cached is not None and cached.exists():
        shutil.copyfile(cached, zip_path)
        return package_stats(zip_path)
    _rewrite(zip_path, archive)
    if cached is not None:
        cached.parent.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(".partial")
        shutil.copyfile(zip_path, partial)
        os.replace(partial, cached)
        by_age = sorted(cached.parent.glob("optimized-*.zip"), key=lambda path: path.stat().st_mtime)
        for stale in by_age[:-CACHE_KEEP]:
            stale.unlink(missing_ok=True)
    return package_stats(zip_path)


def _rewrite(zip_path: Path, archive: Archive) -> None:
    with tempfile.TemporaryDirectory(prefix="kontor-asset-") as scratch:
        root = Path(scratch) / "zip"
        modes: dict[str, int] = {}
        with zipfile.ZipFile(zip_path) as source:
            for info in source.infolist():
                if info.is_dir() or excluded(info.filename, archive):
                    continue
                source.extract(info, root)
                modes[info.filename] = 0o755 if (info.external_attr >> 16) & stat.S_IXUSR else 0o644
        compiled = compileall.compile_dir(
            str(root),
            quiet=1,
            workers=0,
            invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
            stripdir=str(root),
            prependdir=archive.mount,
        )
        if not compiled:
            raise RuntimeError(f"some modules in {zip_path} do not compile on this interpreter")
        names = sorted(path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file())
        rebuilt = zip_path.with_suffix(".tmp")
        with zipfile.ZipFile(rebuilt, "w") as target:
            for name in names:
                path = root / name
                info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
                info.external_attr = modes.get(name, 0o644) << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                target.writestr(info, path.read_bytes(), compresslevel=6)
        os.replace(rebuilt, zip_path)


def chalice_package(output_dir: Path, stage: str, config: dict[str, Any] | None = None) -> Path:
    """Run ``chalice package`` for ``stage`` into ``output_dir``; returns the SAM template's path.

    The first build for a requirements.txt downloads its Lambda-platform wheels from PyPI (chalice
    caches the layer in .chalice/deployments); later builds need no network.
    """
    from chalice.api import package_app

    os.environ.setdefault("AWS_DEFAULT_REGION", "eu-west-1")  # chalice asks boto for the partition
    package_app(
        project_dir=str(REPO_ROOT),
        output_dir=str(output_dir),
        stage=stage,
        chalice_config={**(config or {}), **PACKAGING_CONFIG},
    )
    return output_dir / "sam.json"


def template_runtime(sam_template: Path) -> str:
    """The one runtime every function of the SAM template uses."""
    resources = json.loads(sam_template.read_text())["Resources"].values()
    runtimes = {
        resource["Properties"]["Runtime"]
        for resource in resources
        if resource["Type"] == "AWS::Serverless::Function"
    }
    if len(runtimes) != 1:
        raise RuntimeError(f"expected one Lambda runtime, found {sorted(runtimes)}")
    return runtimes.pop()


def optimize_output(output_dir: Path) -> dict[Archive, PackageStats]:
    """Optimize both zips of a ``chalice package`` output folder in place."""
    runtime = template_runtime(output_dir / "sam.json")
    return {
        archive: optimize_package(output_dir / archive.filename, archive, runtime) for archive in ARCHIVES
    }


def build_assets(output_dir: Path, stage: str = "dev") -> dict[Archive, PackageStats]:
    """``chalice package`` + :func:`optimize_output`; the zips are copied to ``output_dir``."""
    with tempfile.TemporaryDirectory(prefix="kontor-package-") as scratch:
        package_dir = Path(scratch) / "out"
        chalice_package(package_dir, stage)
        optimize_output(package_dir)
        output_dir.mkdir(parents=True, exist_ok=True)
        for archive in ARCHIVES:
            shutil.copyfile(package_dir / archive.filename, output_dir / archive.filename)
    return {archive: package_stats(output_dir / archive.filename) for archive in ARCHIVES}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Build the optimized Lambda assets.")
    parser.add_argument("--stage", default="dev")
    parser.add_argument("--output", type=Path, default=REPO_ROOT / "build" / "lambda")
    args = parser.parse_args(argv)
    stats = build_assets(args.output, args.stage)
    for archive, archive_stats in stats.items():
        sys.stdout.write(f"{archive.mount:9} <- {args.output}/{archive_stats.describe()}\n")
    zipped = sum(item.zipped_bytes for item in stats.values())
    unzipped = sum(item.unzipped_bytes for item in stats.values())
    sys.stdout.write(
        f"total: {zipped / 1e6:.1f} MB zipped, {unzipped / 1e6:.1f} MB unzipped "
        "(Lambda: 250 MB unzipped for a function and its layers)\n"
    )


if __name__ == "__main__":
    main()
