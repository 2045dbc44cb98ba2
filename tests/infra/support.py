"""Reading synthesized CloudFormation templates: references, resources, role statements, assets."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kontor_infra.stages import StageSettings


def ref_id(value: Any) -> str | None:
    """The logical id a ``Ref`` or ``Fn::GetAtt`` points at (None for anything else)."""
    if isinstance(value, dict) and len(value) == 1:
        if "Ref" in value:
            return str(value["Ref"])
        if "Fn::GetAtt" in value:
            return str(value["Fn::GetAtt"][0])
    return None


def referenced_ids(value: Any) -> set[str]:
    """Every logical id referenced anywhere inside ``value`` (Ref, GetAtt, inside Join and Sub)."""
    found: set[str] = set()
    if isinstance(value, dict):
        if (single := ref_id(value)) is not None:
            found.add(single)
        for item in value.values():
            found |= referenced_ids(item)
    elif isinstance(value, list):
        for item in value:
            found |= referenced_ids(item)
    return found


def render(value: Any) -> str:
    """A string from ``Fn::Join`` with each reference shown as ``<LogicalId>``."""
    if isinstance(value, str):
        return value
    if (single := ref_id(value)) is not None:
        return f"<{single}>"
    if isinstance(value, dict) and "Fn::Join" in value:
        separator, parts = value["Fn::Join"]
        return str(separator).join(render(part) for part in parts)
    raise AssertionError(f"cannot render {value!r}")


@dataclass
class Template:
    stage: StageSettings
    data: dict[str, Any]
    out: Path

    @property
    def resources(self) -> dict[str, Any]:
        resources: dict[str, Any] = self.data["Resources"]
        return resources

    def of_type(self, resource_type: str) -> dict[str, dict[str, Any]]:
        return {
            logical_id: resource
            for logical_id, resource in self.resources.items()
            if resource["Type"] == resource_type
        }

    def props(self, logical_id: str) -> dict[str, Any]:
        properties: dict[str, Any] = self.resources[logical_id].get("Properties", {})
        return properties

    def type_of(self, logical_id: str | None) -> str | None:
        return self.resources[logical_id]["Type"] if logical_id in self.resources else None

    def functions(self) -> dict[str, dict[str, Any]]:
        return self.of_type("AWS::Serverless::Function")

    def queues(self) -> dict[str, dict[str, Any]]:
        return self.of_type("AWS::SQS::Queue")

    def queue_name(self, logical_id: str) -> str:
        return str(self.props(logical_id)["QueueName"])

    def queue_by_name(self, name: str) -> str:
        matches = [lid for lid in self.queues() if self.queue_name(lid) == name]
        assert len(matches) == 1, f"expected one queue named {name}, found {matches}"
        return matches[0]

    def event_sources(self) -> dict[str, dict[str, Any]]:
        return self.of_type("AWS::Lambda::EventSourceMapping")

    def role_of(self, function_id: str) -> str:
        role = ref_id(self.props(function_id)["Role"])
        assert role is not None, f"{function_id} has no role of this template"
        assert self.type_of(role) == "AWS::IAM::Role", function_id
        return role

    def function_by_name(self, name: str) -> str:
        matches = [lid for lid in self.functions() if self.props(lid).get("FunctionName") == name]
        assert len(matches) == 1, f"expected one function named {name}, found {matches}"
        return matches[0]

    def statements(self, role_id: str) -> list[dict[str, Any]]:
        """Every statement the role's inline policies and attached policies in the template grant."""
        found: list[dict[str, Any]] = []
        for policy in self.props(role_id).get("Policies", []):
            found += policy["PolicyDocument"]["Statement"]
        for policy_id in self.of_type("AWS::IAM::Policy"):
            if role_id in referenced_ids(self.props(policy_id).get("Roles", [])):
                found += self.props(policy_id)["PolicyDocument"]["Statement"]
        return found

    def asset_path(self, location: dict[str, Any]) -> Path:
        """The file in cdk.out of a ``CodeUri``/``ContentUri`` pointing at a CDK asset."""
        return self.out / f"asset.{location['Key']}"


def load_template(out: Path, stage: StageSettings) -> Template:
    data = json.loads((out / f"{stage.stack_name}.template.json").read_text())
    return Template(stage, data, out)


def actions_of(statement: dict[str, Any]) -> list[str]:
    actions = statement.get("Action", [])
    return [actions] if isinstance(actions, str) else list(actions)


def resources_of(statement: dict[str, Any]) -> list[Any]:
    resources = statement.get("Resource", [])
    return resources if isinstance(resources, list) else [resources]
