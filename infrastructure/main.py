"""The CDK app: one Kontor stack per stage (``cdk synth`` / ``cdk deploy kontor-dev``).

Not named app.py: that is the Chalice app's module, which chalice.cdk imports while packaging.
Context: ``-c stage=dev`` synthesizes one stage only; ``-c alarm_email=ops@example.com`` subscribes
an address to the stage's alarm topic.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

import aws_cdk as cdk  # noqa: E402
from kontor_infra.stack import KontorStack  # noqa: E402
from kontor_infra.stages import STAGES  # noqa: E402


def main() -> None:
    os.chdir(HERE)  # chalice.cdk packages into ./chalice.out
    shutil.rmtree(HERE / "chalice.out", ignore_errors=True)
    app = cdk.App()
    only = app.node.try_get_context("stage")
    alarm_email = app.node.try_get_context("alarm_email")
    # Environment-agnostic unless the CLI knows an account (cdk deploy with credentials).
    env = cdk.Environment(
        account=os.environ.get("CDK_DEFAULT_ACCOUNT"), region=os.environ.get("CDK_DEFAULT_REGION")
    )
    for name, settings in STAGES.items():
        if only and only != name:
            continue
        if alarm_email:
            settings = dataclasses.replace(settings, alarm_email=alarm_email)
        KontorStack(app, settings, env=env)
    app.synth()


if __name__ == "__main__":
    main()
