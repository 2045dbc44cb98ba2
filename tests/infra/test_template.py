"""Assertions on the synthesized CloudFormation templates of every stage.

Each test reads the template CloudFormation would deploy, so it fails when the stack, the code's
contracts (key spec, queues, subscriptions) or chalice's output drift apart.
"""

from __future__ import annotations

import json
from typing import Any

from kontor_infra.stack import (
    CONSUMER_TABLE_ACTIONS,
    CONSUMERS_CONTINUING_ON_OWN_QUEUE,
    DISPATCHER_TABLE_ACTIONS,
    EXPORT_RETENTION_DAYS,
)

from chalicelib.platform.queues import (
    CONSUMER_QUEUES,
    ERP_INBOUND,
    EXPORT_QUEUES,
    MAX_RECEIVES,
    dead_letter_name,
)
from chalicelib.platform.settings import TrustedIssuer
from chalicelib.services.dispatch import SUBSCRIPTIONS
from chalicelib.store.schema import TABLE_SPEC

from .support import Template, actions_of, ref_id, referenced_ids, render, resources_of

REPORT_FAILURES = "ReportBatchItemFailures"
# Services whose actions read or write data: never on Resource "*".
DATA_SERVICES = ("dynamodb", "sqs", "s3", "secretsmanager", "kms", "sns", "ssm")
# Actions with no resource-level permissions, allowed on "*".
STAR_RESOURCE_ALLOWED = {"xray:PutTraceSegments", "xray:PutTelemetryRecords"}


def _table(template: Template) -> tuple[str, dict[str, Any]]:
    tables = template.of_type("AWS::DynamoDB::Table")
    assert len(tables) == 1, f"one table per stage, found {sorted(tables)}"
    [(logical_id, resource)] = tables.items()
    return logical_id, resource


def _sinks(template: Template) -> set[str]:
    """Queues that receive failures (redrive targets, event-source on-failure destinations)."""
    sinks: set[str] = set()
    for queue_id in template.queues():
        redrive = template.props(queue_id).get("RedrivePolicy")
        if redrive:
            sinks.add(ref_id(redrive["deadLetterTargetArn"]) or "")
    for source_id in template.event_sources():
        on_failure = template.props(source_id).get("DestinationConfig", {}).get("OnFailure", {})
        if on_failure:
            sinks.add(ref_id(on_failure["Destination"]) or "")
    return sinks


def _sqs_sources(template: Template) -> dict[str, dict[str, Any]]:
    return {
        source_id: template.props(source_id)
        for source_id in template.event_sources()
        if template.type_of(ref_id(template.props(source_id)["EventSourceArn"])) == "AWS::SQS::Queue"
    }


def _stream_source(template: Template) -> dict[str, Any]:
    table_id, _ = _table(template)
    sources = [
        template.props(source_id)
        for source_id in template.event_sources()
        if template.props(source_id)["EventSourceArn"] == {"Fn::GetAtt": [table_id, "StreamArn"]}
    ]
    assert len(sources) == 1, "exactly one function reads the table stream (the outbox dispatcher)"
    return sources[0]


def _function_of(template: Template, source: dict[str, Any]) -> str:
    function_id = ref_id(source["FunctionName"])
    assert template.type_of(function_id) == "AWS::Serverless::Function"
    assert function_id is not None
    return function_id


# -- the table ---------------------------------------------------------------------------------------


def test_table_keys_equal_the_code_key_spec(template: Template) -> None:
    _, table = _table(template)
    props = table["Properties"]
    expected = TABLE_SPEC.create_table_kwargs(template.stage.prefix)

    def by_name(items: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
        return sorted(items, key=lambda item: item[key])

    assert props["TableName"] == expected["TableName"]
    assert props["KeySchema"] == expected["KeySchema"]
    assert by_name(props["AttributeDefinitions"], "AttributeName") == by_name(
        expected["AttributeDefinitions"], "AttributeName"
    )
    assert by_name(props["GlobalSecondaryIndexes"], "IndexName") == by_name(
        expected["GlobalSecondaryIndexes"], "IndexName"
    )
    assert props["BillingMode"] == expected["BillingMode"] == "PAY_PER_REQUEST"
    assert props["StreamSpecification"] == {"StreamViewType": TABLE_SPEC.stream_view_type}
    assert props["TimeToLiveSpecification"] == {"AttributeName": TABLE_SPEC.ttl_attribute, "Enabled": True}
    assert props["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True


def test_prod_data_is_retained_and_protected(template: Template) -> None:
    table_id, table = _table(template)
    pool_id = next(iter(template.of_type("AWS::Cognito::UserPool")))
    if template.stage.retain_data:
        assert table["Properties"]["DeletionProtectionEnabled"] is True
        for logical_id in (table_id, pool_id):
            resource = template.resources[logical_id]
            assert resource["DeletionPolicy"] == resource["UpdateReplacePolicy"] == "Retain", logical_id
        assert template.props(pool_id)["DeletionProtection"] == "ACTIVE"
    else:
        assert table["Properties"].get("DeletionProtectionEnabled") in (None, False)
        assert table.get("DeletionPolicy") == "Delete"


# -- queues and event sources ----------------------------------------------------------------------


def test_every_consumer_queue_of_the_code_exists_and_is_consumed(template: Template) -> None:
    consumed = {ref_id(source["EventSourceArn"]) for source in _sqs_sources(template).values()}
    for consumer in CONSUMER_QUEUES:
        queue_id = template.queue_by_name(f"{template.stage.prefix}-{consumer}")
        assert queue_id in consumed, f"nothing consumes the {consumer} queue"


def test_every_queue_has_a_dead_letter_queue(template: Template) -> None:
    sinks = _sinks(template)
    sources = [queue_id for queue_id in template.queues() if queue_id not in sinks]
    assert sources, "the stage has consumer queues"
    for queue_id in sources:
        name = template.queue_name(queue_id)
        redrive = template.props(queue_id).get("RedrivePolicy")
        assert redrive is not None, f"{name} has no dead-letter queue"
        assert int(redrive["maxReceiveCount"]) == MAX_RECEIVES, name
        target = ref_id(redrive["deadLetterTargetArn"])
        assert template.type_of(target) == "AWS::SQS::Queue", name
        assert target is not None
        assert template.queue_name(target) == dead_letter_name(name)


def test_every_sqs_event_source_reports_batch_item_failures(template: Template) -> None:
    sources = _sqs_sources(template)
    assert sources, "the stage has SQS event sources"
    for source_id, source in sources.items():
        assert REPORT_FAILURES in source.get("FunctionResponseTypes", []), source_id
    # Sources declared by chalice's decorators (on_sqs_message) would land in SAM Events instead.
    for function_id in template.functions():
        for event_id, event in template.props(function_id).get("Events", {}).items():
            if event["Type"] in ("SQS", "DynamoDB", "Kinesis"):
                types = event["Properties"].get("FunctionResponseTypes", [])
                assert REPORT_FAILURES in types, f"{function_id}.{event_id} ignores partial failures"


def test_queue_visibility_covers_six_consumer_timeouts(template: Template) -> None:
    for source_id, source in _sqs_sources(template).items():
        queue_id = ref_id(source["EventSourceArn"])
        assert queue_id is not None
        timeout = int(template.props(_function_of(template, source))["Timeout"])
        visibility = int(template.props(queue_id).get("VisibilityTimeout", 30))
        assert visibility >= 6 * timeout, f"{source_id}: {visibility}s < 6 x {timeout}s"


def test_stream_source_bisects_retries_and_keeps_failed_batches(template: Template) -> None:
    source = _stream_source(template)
    assert source["BisectBatchOnFunctionError"] is True
    assert 0 <= source["MaximumRetryAttempts"] <= 10, "a finite retry limit"
    assert source["MaximumRecordAgeInSeconds"] > 0
    assert REPORT_FAILURES in source["FunctionResponseTypes"]
    assert source["StartingPosition"] == "TRIM_HORIZON", "no event written before the mapping is lost"
    destination = ref_id(source["DestinationConfig"]["OnFailure"]["Destination"])
    assert template.type_of(destination) == "AWS::SQS::Queue"
    assert destination is not None
    assert destination in _alarmed_queues(template, "ApproximateNumberOfMessagesVisible")
    function_id = _function_of(template, source)
    assert template.props(function_id)["Handler"] == "app.outbox_dispatcher"


# -- roles -----------------------------------------------------------------------------------------


def test_no_role_has_wildcard_actions_or_data_actions_on_every_resource(template: Template) -> None:
    documents = []
    for role_id in template.of_type("AWS::IAM::Role"):
        assert not template.props(role_id).get("ManagedPolicyArns"), (
            f"{role_id}: only reviewed inline policies"
        )
        documents += [
            (role_id, policy["PolicyDocument"]) for policy in template.props(role_id).get("Policies", [])
        ]
    for policy_type in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
        documents += [(pid, template.props(pid)["PolicyDocument"]) for pid in template.of_type(policy_type)]
    assert documents
    for owner, document in documents:
        for statement in document["Statement"]:
            if statement["Effect"] != "Allow":
                continue
            for action in actions_of(statement):
                assert "*" not in action, f"{owner}: wildcard action {action}"
                service = action.split(":")[0]
                if "*" in resources_of(statement):
                    assert service not in DATA_SERVICES, f"{owner}: {action} on every resource"
                    assert action in STAR_RESOURCE_ALLOWED, f"{owner}: {action} on every resource"


def test_each_function_has_a_role_of_its_own(template: Template) -> None:
    roles = [template.role_of(function_id) for function_id in template.functions()]
    assert len(set(roles)) == len(roles) == len(template.functions())


def _queue_actions(template: Template, function_id: str) -> dict[str, set[str]]:
    """Queue name -> the SQS actions the function's role has on it."""
    granted: dict[str, set[str]] = {}
    for statement in template.statements(template.role_of(function_id)):
        sqs_actions = {action for action in actions_of(statement) if action.startswith("sqs:")}
        for queue_id in referenced_ids(resources_of(statement)):
            if sqs_actions and template.type_of(queue_id) == "AWS::SQS::Queue":
                granted.setdefault(template.queue_name(queue_id), set()).update(sqs_actions)
    return granted


def test_api_function_only_asks_the_consumer_queues_whether_they_answer(template: Template) -> None:
    # GET /v1/health/ready: the API receives from and changes no queue; it sends only the ERP
    # messages its ingest accepted, to the inbound queue
    api = template.function_by_name(f"{template.stage.prefix}-api")
    probe = {"sqs:GetQueueUrl", "sqs:GetQueueAttributes"}
    expected = {f"{template.stage.prefix}-{consumer}": probe for consumer in CONSUMER_QUEUES}
    expected[f"{template.stage.prefix}-{ERP_INBOUND}"] = probe | {"sqs:SendMessage"}
    assert _queue_actions(template, api) == expected
    for statement in template.statements(template.role_of(api)):
        assert {action for action in actions_of(statement) if action.startswith("sqs:")} <= probe | {
            "sqs:SendMessage"
        }
        assert "dynamodb:Scan" not in actions_of(statement)


def test_consumers_read_only_their_own_queue_and_send_only_to_its_dlq(template: Template) -> None:
    for consumer in CONSUMER_QUEUES:
        function_id = template.function_by_name(f"{template.stage.prefix}-{consumer}-consumer")
        own = f"{template.stage.prefix}-{consumer}"
        # a consumer that goes on in steps sends the next step's message to its own queue
        continuing = {"sqs:SendMessage"} if consumer in CONSUMERS_CONTINUING_ON_OWN_QUEUE else set()
        assert _queue_actions(template, function_id) == {
            own: {
                "sqs:ReceiveMessage",
                "sqs:DeleteMessage",
                "sqs:GetQueueAttributes",
                "sqs:GetQueueUrl",
                "sqs:ChangeMessageVisibility",  # a failed message's retry delay
                *continuing,
            },
            dead_letter_name(own): {"sqs:SendMessage", "sqs:GetQueueUrl"},  # what can never succeed
        }


def test_the_pricing_consumer_reads_and_writes_the_table_without_scans_or_batch_writes(
    template: Template,
) -> None:
    # given
    function_id = template.function_by_name(f"{template.stage.prefix}-pricing-consumer")

    # when
    granted = {
        action
        for statement in template.statements(template.role_of(function_id))
        for action in actions_of(statement)
        if action.startswith("dynamodb:")
    }

    # then
    assert granted == set(CONSUMER_TABLE_ACTIONS["pricing"])
    assert "dynamodb:Scan" not in granted


def test_the_order_workflow_consumer_gets_and_puts_items_only(template: Template) -> None:
    # given
    function_id = template.function_by_name(f"{template.stage.prefix}-order-workflow-consumer")

    # when
    granted = {
        action
        for statement in template.statements(template.role_of(function_id))
        for action in actions_of(statement)
        if action.startswith("dynamodb:")
    }

    # then it reads an order's header and the tenant, and writes the header and its events
    assert granted == {"dynamodb:GetItem", "dynamodb:PutItem"}


def test_dispatcher_sends_only_to_subscribed_queues(template: Template) -> None:
    function_id = template.function_by_name(f"{template.stage.prefix}-outbox-dispatcher")
    granted = _queue_actions(template, function_id)
    failures = template.queue_name(
        ref_id(_stream_source(template)["DestinationConfig"]["OnFailure"]["Destination"]) or ""
    )
    expected = {
        f"{template.stage.prefix}-{name}": {"sqs:SendMessage", "sqs:GetQueueUrl"}
        for name in [*SUBSCRIPTIONS, *EXPORT_QUEUES]
    }
    expected[failures] = {"sqs:SendMessage"}
    assert granted == expected
    for statement in template.statements(template.role_of(function_id)):
        for action in actions_of(statement):
            if action.startswith("dynamodb:"):
                assert action in {
                    "dynamodb:DescribeStream",
                    "dynamodb:GetRecords",
                    "dynamodb:GetShardIterator",
                    "dynamodb:ListStreams",
                    *DISPATCHER_TABLE_ACTIONS,  # a placed order's lines, for the ERP export
                }, f"the dispatcher reads the stream, and the table only to export ({action})"


def test_export_queues_are_read_by_no_function_and_keep_messages_two_weeks(template: Template) -> None:
    # given the queues the dispatcher fills for the ERP
    consumed = {ref_id(source["EventSourceArn"]) for source in _sqs_sources(template).values()}
    for export in EXPORT_QUEUES:
        # when the stack is read
        queue_id = template.queue_by_name(f"{template.stage.prefix}-{export}")
        # then no function of the stack consumes it, it keeps messages 14 days, and it is watched
        assert queue_id not in consumed
        assert template.props(queue_id)["MessageRetentionPeriod"] == EXPORT_RETENTION_DAYS * 24 * 3600
        assert queue_id in _alarmed_queues(template, "ApproximateAgeOfOldestMessage")
        key = "".join(part.capitalize() for part in export.split("-"))
        assert f"{key}QueueUrl" in template.data["Outputs"]


def test_tenant_scoped_policy_fences_leading_keys(template: Template) -> None:
    policies = template.of_type("AWS::IAM::ManagedPolicy")
    assert len(policies) == 1
    [(policy_id, policy)] = policies.items()
    [statement] = policy["Properties"]["PolicyDocument"]["Statement"]
    assert statement["Condition"]["ForAllValues:StringLike"] == {
        "dynamodb:LeadingKeys": ["T#${aws:PrincipalTag/tenant}#*"]
    }
    assert all(action.startswith("dynamodb:") for action in actions_of(statement))
    assert "dynamodb:Scan" not in actions_of(statement)
    table_id, _ = _table(template)
    assert referenced_ids(resources_of(statement)) == {table_id}
    for role_id in template.of_type("AWS::IAM::Role"):
        assert policy_id not in referenced_ids(template.props(role_id)), "reserved for token vending"


# -- functions ---------------------------------------------------------------------------------------


def test_functions_get_the_stage_environment(template: Template) -> None:
    table_id, _ = _table(template)
    [pool_id] = template.of_type("AWS::Cognito::UserPool")
    [client_id] = template.of_type("AWS::Cognito::UserPoolClient")
    for function_id in template.functions():
        env = template.props(function_id)["Environment"]["Variables"]
        assert env["KONTOR_STAGE"] == template.stage.name
        assert env["KONTOR_TABLE"] == {"Ref": table_id}
        assert env["KONTOR_QUEUE_PREFIX"] == template.stage.prefix
        assert env["KONTOR_TRACING"] == "true"
        assert env["POWERTOOLS_SERVICE_NAME"] == "kontor"
        assert "KONTOR_CURSOR_SECRET" not in env  # never in a function's configuration
        [issuer] = [TrustedIssuer.model_validate(item) for item in json.loads(render(env["KONTOR_ISSUERS"]))]
        assert issuer.issuer.startswith("https://cognito-idp.")
        assert issuer.issuer.endswith(f"/<{pool_id}>")
        assert issuer.audience == f"<{client_id}>"
        assert issuer.jwks_uri == f"{issuer.issuer}/.well-known/jwks.json"
        assert (issuer.tenant_claim, issuer.email_claim) == ("custom:tenant", "email")
        assert issuer.emails_verified
        assert issuer.signs_in == {"staff", "customer"}


def test_only_the_api_reads_the_cursor_key_by_its_arn(template: Template) -> None:
    [secret_id] = template.of_type("AWS::SecretsManager::Secret")
    readers = {
        function_id
        for function_id in template.functions()
        if "KONTOR_CURSOR_SECRET_ARN" in template.props(function_id)["Environment"]["Variables"]
    }
    assert readers == {"APIHandler"}
    env = template.props("APIHandler")["Environment"]["Variables"]
    assert env["KONTOR_CURSOR_SECRET_ARN"] == {"Ref": secret_id}


def test_tracing_is_on_and_the_api_is_throttled(template: Template) -> None:
    for function_id in template.functions():
        assert template.props(function_id)["Tracing"] == "Active", function_id
    [api_id] = template.of_type("AWS::Serverless::Api")
    api = template.props(api_id)
    assert api["TracingEnabled"] is True
    [settings] = api["MethodSettings"]
    assert (settings["ResourcePath"], settings["HttpMethod"]) == ("/*", "*")
    assert settings["ThrottlingRateLimit"] == template.stage.api_rate_limit
    assert settings["ThrottlingBurstLimit"] == template.stage.api_burst_limit


def _api_definition(template: Template) -> dict[str, Any]:
    [api_id] = template.of_type("AWS::Serverless::Api")
    definition: dict[str, Any] = template.props(api_id)["DefinitionBody"]
    return definition


def test_an_unknown_path_is_answered_with_the_apps_404_problem(template: Template) -> None:
    responses = _api_definition(template)["x-amazon-apigateway-gateway-responses"]
    unknown_path = responses["MISSING_AUTHENTICATION_TOKEN"]  # API Gateway's answer to a path it lacks

    assert unknown_path["statusCode"] == 404
    headers = unknown_path["responseParameters"]
    assert headers["gatewayresponse.header.Content-Type"] == "'application/problem+json'"
    assert headers["gatewayresponse.header.X-Correlation-Id"] == "context.requestId"
    body = json.loads(unknown_path["responseTemplates"]["application/json"])
    assert body == {
        "type": "https://kontor.dev/problems/not-found",
        "title": "Not found",
        "status": 404,
        "detail": "no resource at this path",
        "instance": "urn:kontor:request:$context.requestId",
    }


def test_every_path_sends_the_methods_it_does_not_declare_to_the_api_function(template: Template) -> None:
    for path, methods in _api_definition(template)["paths"].items():
        declared = [method for name, method in methods.items() if name != "x-amazon-apigateway-any-method"]
        integrations = {json.dumps(method["x-amazon-apigateway-integration"]) for method in declared}
        any_method = methods["x-amazon-apigateway-any-method"]  # the app answers them 405 with Allow

        assert json.dumps(any_method["x-amazon-apigateway-integration"]) in integrations, path
        assert any_method.get("parameters") == declared[0].get("parameters"), path


def test_every_function_logs_to_a_group_with_retention(template: Template) -> None:
    groups = {
        template.props(group_id)["LogGroupName"]: group_id
        for group_id in template.of_type("AWS::Logs::LogGroup")
    }
    for function_id in template.functions():
        name = template.props(function_id)["FunctionName"]
        group_id = groups[f"/aws/lambda/{name}"]
        assert template.props(group_id)["RetentionInDays"] == template.stage.log_retention_days
        assert group_id in template.resources[function_id].get("DependsOn", [])


# -- identity ----------------------------------------------------------------------------------------


def test_user_pool_client_cannot_change_tenant_or_email(template: Template) -> None:
    [pool_id] = template.of_type("AWS::Cognito::UserPool")
    [client_id] = template.of_type("AWS::Cognito::UserPoolClient")
    pool = template.props(pool_id)
    client = template.props(client_id)
    assert pool["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is True
    assert {"Name": "tenant", "AttributeDataType": "String", "Mutable": True} | {
        "StringAttributeConstraints": {"MinLength": "3", "MaxLength": "40"}
    } in pool["Schema"]
    assert "custom:tenant" in client["ReadAttributes"]
    assert "custom:tenant" not in client["WriteAttributes"]
    assert "email" not in client["WriteAttributes"]
    assert client.get("GenerateSecret", False) is False
    assert not client.get("AllowedOAuthFlows")


# -- alarms and outputs ------------------------------------------------------------------------------


def _alarms(template: Template) -> list[dict[str, Any]]:
    return [template.props(alarm_id) for alarm_id in template.of_type("AWS::CloudWatch::Alarm")]


def _alarmed_queues(template: Template, metric: str) -> set[str]:
    return {
        queue_id
        for alarm in _alarms(template)
        if alarm["Namespace"] == "AWS/SQS" and alarm["MetricName"] == metric
        for queue_id in referenced_ids(alarm["Dimensions"])
    }


def test_alarms_watch_dead_letters_age_errors_and_throttles(template: Template) -> None:
    sinks = _sinks(template)
    assert sinks <= _alarmed_queues(template, "ApproximateNumberOfMessagesVisible")
    consumer_queues = set(template.queues()) - sinks
    assert consumer_queues <= _alarmed_queues(template, "ApproximateAgeOfOldestMessage")
    for metric in ("Errors", "Throttles"):
        watched = {
            function_id
            for alarm in _alarms(template)
            if alarm["Namespace"] == "AWS/Lambda" and alarm["MetricName"] == metric
            for function_id in referenced_ids(alarm["Dimensions"])
        }
        assert set(template.functions()) <= watched, metric
    [topic_id] = template.of_type("AWS::SNS::Topic")
    for alarm in _alarms(template):
        assert alarm["AlarmActions"] == [{"Ref": topic_id}]


def test_outputs_name_the_api_table_queues_and_user_pool(template: Template) -> None:
    outputs = template.data["Outputs"]
    for key in ("EndpointURL", "TableName", "UserPoolId", "UserPoolClientId", "Issuer"):
        assert key in outputs, key
    for consumer in CONSUMER_QUEUES:
        key = "".join(part.capitalize() for part in consumer.split("-"))
        assert f"{key}QueueUrl" in outputs
        assert f"{key}DeadLetterQueueUrl" in outputs
