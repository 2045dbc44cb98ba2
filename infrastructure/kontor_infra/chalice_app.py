"""chalice.cdk's construct, packaging a named Chalice stage and shipping the optimized assets."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from chalice.cdk import Chalice
from chalice.utils import to_cfn_resource_name
from constructs import Construct

from kontor_infra.packaging import REPO_ROOT, Archive, PackageStats, chalice_package, optimize_output


class KontorChalice(Chalice):
    """The app's functions, REST API and log groups, from ``chalice package`` as SAM.

    Changes to the stock construct: the Chalice stage is named explicitly (the stock one uses the
    scope's construct path); the app zip and the managed layer's zip are replaced by optimized ones
    (``.pyc`` compiled for the runtime, no dev files, reproducible bytes) before they become CDK
    assets; and chalice's dangling log group reference is fixed.
    """

    def __init__(self, scope: Construct, construct_id: str, *, stage: str, stage_config: dict[str, Any]):
        self._kontor_stage = stage
        self.package_stats: dict[Archive, PackageStats] = {}
        super().__init__(scope, construct_id, source_dir=str(REPO_ROOT), stage_config=stage_config)

    def _package_app(self) -> None:
        output_dir = Path(self._sam_package_dir)
        fix_log_group_names(chalice_package(output_dir, self._kontor_stage, self.stage_config))
        self.package_stats = optimize_output(output_dir)

    @property
    def chalice_template(self) -> dict[str, Any]:
        """The SAM template chalice generated (before CDK's changes)."""
        template: dict[str, Any] = json.loads((Path(self._sam_package_dir) / "sam.json").read_text())
        return template

    def function_logical_ids(self) -> set[str]:
        return {
            name
            for name, resource in self.chalice_template["Resources"].items()
            if resource["Type"] == "AWS::Serverless::Function"
        }

    def function_timeout(self, logical_id: str) -> int:
        return int(self.chalice_template["Resources"][logical_id]["Properties"]["Timeout"])


def fix_log_group_names(sam_template: Path) -> None:
    """Point each log group's ``Fn::Sub`` at its function's actual logical id.

    chalice 1.34 names the API function's log group ``/aws/lambda/${ApiHandler}`` and then renames the
    function to ``APIHandler``; CloudFormation (and CfnInclude) reject the dangling reference.
    """
    template = json.loads(sam_template.read_text())
    resources = template["Resources"]
    by_lower_name = {name.lower(): name for name in resources}
    for resource in resources.values():
        if resource["Type"] != "AWS::Logs::LogGroup":
            continue
        name = resource["Properties"]["LogGroupName"]
        referenced = name["Fn::Sub"].removeprefix("/aws/lambda/${").removesuffix("}")
        if referenced not in resources and referenced.lower() in by_lower_name:
            name["Fn::Sub"] = "/aws/lambda/${" + by_lower_name[referenced.lower()] + "}"
    sam_template.write_text(json.dumps(template, indent=2))


def function_logical_id(handler_name: str) -> str:
    """The SAM logical id chalice gives an ``@app.lambda_function(name=...)``."""
    return to_cfn_resource_name(handler_name)


def log_group_logical_id(handler_name: str) -> str:
    """The SAM logical id of the log group chalice creates for a function (``log_retention_in_days``)."""
    return to_cfn_resource_name(f"{handler_name}_log_group")
