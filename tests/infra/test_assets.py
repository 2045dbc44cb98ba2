"""The Lambda assets CDK uploads: unchecked-hash .pyc for the runtime, no dev files, pinned SDK."""

from __future__ import annotations

import importlib.util
import marshal
import sys
import zipfile
from pathlib import Path, PurePosixPath

import pytest
from kontor_infra.packaging import APP, LAYER, RUNTIME, ZIP_EPOCH, Archive, excluded

from .support import Template, ref_id

REPO = Path(__file__).resolve().parents[2]
UNCHECKED_HASH_FLAGS = 0b01  # PEP 552: hash-based, check_source off


def _pins() -> dict[str, str]:
    pins = {}
    for line in (REPO / "requirements.txt").read_text().splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==")
            pins[name.strip().lower().replace("_", "-")] = version.strip()
    return pins


def _assets(template: Template) -> dict[Archive, Path]:
    [layer_id] = template.of_type("AWS::Serverless::LayerVersion")
    code = {template.asset_path(template.props(fid)["CodeUri"]) for fid in template.functions()}
    assert len(code) == 1, "every function runs the same app asset"
    for function_id in template.functions():
        assert {"Ref": layer_id} in template.props(function_id)["Layers"], function_id
        assert template.props(function_id)["Runtime"] == RUNTIME
    return {APP: code.pop(), LAYER: template.asset_path(template.props(layer_id)["ContentUri"])}


@pytest.fixture(params=[APP, LAYER], ids=["app", "layer"])
def asset(request: pytest.FixtureRequest, templates: dict[str, Template]) -> tuple[Archive, zipfile.ZipFile]:
    archive: Archive = request.param
    paths = {stage: _assets(template)[archive] for stage, template in templates.items()}
    assert len({path.read_bytes() for path in paths.values()}) == 1, "stages ship the same bytes"
    return archive, zipfile.ZipFile(next(iter(paths.values())))


def test_every_module_has_an_unchecked_hash_pyc_for_the_runtime(
    asset: tuple[Archive, zipfile.ZipFile],
) -> None:
    archive, package = asset
    assert f"python{sys.version_info.major}.{sys.version_info.minor}" == RUNTIME, "tests run on the runtime"
    names = set(package.namelist())
    tag = f"cpython-{RUNTIME.removeprefix('python').replace('.', '')}"
    modules = [name for name in names if name.endswith(".py") and archive.relative(name) is not None]
    assert modules
    for name in modules:
        path = PurePosixPath(name)
        pyc = str(path.parent / "__pycache__" / f"{path.stem}.{tag}.pyc")
        assert pyc in names, f"{name} has no {pyc}"
        header = package.read(pyc)[:16]
        assert header[:4] == importlib.util.MAGIC_NUMBER, f"{pyc} was compiled by another Python"
        assert int.from_bytes(header[4:8], "little") == UNCHECKED_HASH_FLAGS, f"{pyc} is not unchecked-hash"


def test_bytecode_names_the_paths_on_lambda(asset: tuple[Archive, zipfile.ZipFile]) -> None:
    archive, package = asset
    pyc = next(name for name in sorted(package.namelist()) if name.endswith(".pyc"))
    code = marshal.loads(package.read(pyc)[16:])
    assert code.co_filename.startswith(f"{archive.mount}/"), code.co_filename


def test_no_tests_stubs_or_dev_tools(asset: tuple[Archive, zipfile.ZipFile]) -> None:
    archive, package = asset
    for info in package.infolist():
        if info.filename.endswith(".pyc"):
            continue
        assert not excluded(info.filename, archive), info.filename
    tops = {(archive.relative(name) or "").split("/")[0] for name in package.namelist()}
    assert not tops & {"tests", "pytest", "moto", "ruff", "mypy", "cfnlint", "aws_cdk", "local"}


def test_entries_are_sorted_and_dated_1980(asset: tuple[Archive, zipfile.ZipFile]) -> None:
    _, package = asset
    names = package.namelist()
    assert names == sorted(names)
    assert {info.date_time for info in package.infolist()} == {ZIP_EPOCH}


def test_app_asset_holds_the_app_and_the_layer_the_pinned_sdk(templates: dict[str, Template]) -> None:
    assets = _assets(templates["dev"])
    app_names = set(zipfile.ZipFile(assets[APP]).namelist())
    assert {"app.py", "chalice/app.py", "chalicelib/__init__.py"} <= app_names
    layer_names = zipfile.ZipFile(assets[LAYER]).namelist()
    shipped = {
        top.removesuffix(".dist-info").rsplit("-", 1)[0].lower().replace("_", "-"): top.removesuffix(
            ".dist-info"
        ).rsplit("-", 1)[1]
        for name in layer_names
        if (top := (LAYER.relative(name) or "").split("/")[0]).endswith(".dist-info")
    }
    pins = _pins()
    assert shipped["boto3"] == pins["boto3"]
    assert shipped["botocore"] == pins["botocore"]
    assert {name: shipped.get(name) for name in pins} == pins, "the layer is the runtime lock"


def test_functions_run_the_optimized_assets(templates: dict[str, Template]) -> None:
    for template in templates.values():
        assets = _assets(template)
        for archive, path in assets.items():
            assert path.exists(), path
            with zipfile.ZipFile(path) as package:
                assert any(name.endswith(".pyc") for name in package.namelist()), archive
        [layer_id] = template.of_type("AWS::Serverless::LayerVersion")
        assert ref_id(
            template.props(template.function_by_name(f"{template.stage.prefix}-api"))["Layers"][0]
        ) == (layer_id)
