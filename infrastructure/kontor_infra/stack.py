"""One stage of Kontor: table, queues, identity, the Chalice app, event sources, roles and alarms.

Contracts come from the code, so the deployment cannot drift from it:

- the table from ``chalicelib.store.schema.TABLE_SPEC``;
- one queue per ``chalicelib.platform.queues.CONSUMER_QUEUES`` entry, named ``<prefix>-<consumer>``
  (what ``Settings.queue_name`` resolves), each with ``<name>-dlq`` after ``MAX_RECEIVES`` receives;
- the dispatcher may send to the queues ``chalicelib.services.dispatch.SUBSCRIPTIONS`` names, and to
  each ``chalicelib.platform.queues.EXPORT_QUEUES`` entry (``<prefix>-erp-export``, with its DLQ): a
  queue another system (the ERP) consumes, so no function of the stack reads it;
- a consumer's handler is ``@app.lambda_function(name="<consumer>_consumer")`` in app.py;
- the media bucket's objects under ``chalicelib.domain.catalog.media.MEDIA_ROOT`` (``tenants/<t>/...``).

Event sources are wired here rather than with Chalice's ``on_sqs_message``/``on_dynamodb_record``:
those cannot report partial batch failures, need the queue name and stream ARN when the app is
imported, and give CloudFormation no dependency on the queue or table they read.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cloudwatch_actions
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from chalicelib.api.fallbacks import UNKNOWN_PATH
from chalicelib.api.routing import problem_instance
from chalicelib.domain.catalog.media import MEDIA_ROOT, PENDING_TAG_KEY, PENDING_TAG_VALUE
from chalicelib.platform.errors import PROBLEM_CONTENT_TYPE
from chalicelib.platform.queues import (
    CONSUMER_QUEUES,
    ERP_INBOUND,
    EXPORT_QUEUES,
    MAX_RECEIVES,
    dead_letter_name,
)
from chalicelib.services.dispatch import SUBSCRIPTIONS
from chalicelib.services.outbox import EVENT_TYPE
from chalicelib.store.schema import TABLE_SPEC
from kontor_infra.chalice_app import KontorChalice, function_logical_id, log_group_logical_id
from kontor_infra.stages import StageSettings

API_HANDLER = "APIHandler"  # chalice's logical id of the REST API's function
API_LOG_GROUP = "ApiHandlerLogGroup"
REST_API = "RestAPI"
MANAGED_LAYER = "ManagedLayer"  # chalice's layer of the requirements.txt dependencies
API_GATEWAY_STAGE = "api"
DISPATCHER_HANDLER = "outbox_dispatcher"
SERVICE_NAME = "kontor"
METRICS_NAMESPACE = "Kontor"
# AWS recommends a queue visibility timeout of at least six times the consumer function's timeout.
VISIBILITY_TIMEOUT_FACTOR = 6

# What each function may do on the table. TransactWriteItems and conditional writes are authorized
# per item as PutItem/UpdateItem/DeleteItem/ConditionCheckItem. No Scan anywhere (design rule).
API_TABLE_ACTIONS = (
    "dynamodb:GetItem",
    "dynamodb:BatchGetItem",
    "dynamodb:Query",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:BatchWriteItem",
    "dynamodb:ConditionCheckItem",
)
# Consumer -> table actions its worker needs (audit: one conditional PutItem per event).
CONSUMER_TABLE_ACTIONS: dict[str, tuple[str, ...]] = {
    "audit": ("dynamodb:PutItem",),
    # pricing: reads lists, products, categories and sheets; writes rows in transactions (conditional
    # Put/Update/Delete and the list's ConditionCheck), never in batches
    "pricing": tuple(action for action in API_TABLE_ACTIONS if action != "dynamodb:BatchWriteItem"),
    # order-workflow: reads the order's header and the tenant's checks; writes the header at the version
    # read and its events in one transaction (conditional Puts)
    "order-workflow": ("dynamodb:GetItem", "dynamodb:PutItem"),
    # erp-inbound: applies ERP messages through the admin services (their reads and transactions, a
    # product delete's leftovers in batches) and writes each message's import record
    "erp-inbound": API_TABLE_ACTIONS,
}
# Consumers that send the message for their next step to their own queue (pricing: a whole list's
# recalculation goes one page of products per message).
CONSUMERS_CONTINUING_ON_OWN_QUEUE = ("pricing",)
# What the API function does in the media bucket, on media objects only: it signs uploads (PutObject,
# with their tag) and downloads (GetObject[Version]), reads an upload's size and type at completion
# (HeadObject is GetObject) and removes its pending tag, and deletes a media's objects with every
# version (listing them needs ListBucketVersions).
API_MEDIA_OBJECT_ACTIONS = (
    "s3:PutObject",
    "s3:PutObjectTagging",
    "s3:DeleteObjectTagging",
    "s3:DeleteObjectVersionTagging",
    "s3:GetObject",
    "s3:GetObjectVersion",
    "s3:DeleteObject",
    "s3:DeleteObjectVersion",
)
API_MEDIA_BUCKET_ACTIONS = ("s3:ListBucketVersions",)
# Days before an upload never completed (still tagged pending), a replaced object version (a re-upload
# with a form still valid) and an incomplete multipart upload are removed.
MEDIA_CLEANUP_DAYS = 1
# Queues the API function sends to: the ERP HTTP ingest's inbound queue (only the API may: the worker
# trusts the tenant and key the ingest stamped on each message).
API_SENDS_TO: tuple[str, ...] = (ERP_INBOUND,)
# The future token-vending role's per-tenant fence (see docs/deploy.md).
TENANT_DATA_ACTIONS = (
    "dynamodb:GetItem",
    "dynamodb:BatchGetItem",
    "dynamodb:Query",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:BatchWriteItem",
    "dynamodb:ConditionCheckItem",
)
TENANT_LEADING_KEYS = "T#${aws:PrincipalTag/tenant}#*"
# The dispatcher's one table read: a placed order's lines for the ERP export (services.erp.export).
DISPATCHER_TABLE_ACTIONS = ("dynamodb:Query",)
# An export queue keeps what its outside consumer has not read for SQS's longest: an ERP down over a
# long weekend loses nothing.
EXPORT_RETENTION_DAYS = 14
EXPORT_VISIBILITY_SECONDS = 60
STREAM_READ_ACTIONS = (
    "dynamodb:DescribeStream",
    "dynamodb:GetRecords",
    "dynamodb:GetShardIterator",
    "dynamodb:ListStreams",
)
# ChangeMessageVisibility: a consumer hides a failed message for its retry delay (platform.queues).
QUEUE_CONSUME_ACTIONS = (
    "sqs:ReceiveMessage",
    "sqs:DeleteMessage",
    "sqs:GetQueueAttributes",
    "sqs:GetQueueUrl",
    "sqs:ChangeMessageVisibility",
)
QUEUE_SEND_ACTIONS = ("sqs:SendMessage", "sqs:GetQueueUrl")
QUEUE_PROBE_ACTIONS = ("sqs:GetQueueUrl", "sqs:GetQueueAttributes")


# An unknown path never reaches the function: API Gateway answers it (MISSING_AUTHENTICATION_TOKEN,
# its 403 "Missing Authentication Token") with this problem, as the app answers everything else.
GATEWAY_RESPONSES = "x-amazon-apigateway-gateway-responses"
ANY_METHOD = "x-amazon-apigateway-any-method"
UNKNOWN_PATH_RESPONSE = {
    "MISSING_AUTHENTICATION_TOKEN": {
        "statusCode": UNKNOWN_PATH.status,
        "responseParameters": {
            "gatewayresponse.header.Content-Type": f"'{PROBLEM_CONTENT_TYPE}'",
            "gatewayresponse.header.X-Correlation-Id": "context.requestId",
        },
        "responseTemplates": {
            "application/json": json.dumps(UNKNOWN_PATH.body(problem_instance("$context.requestId")))
        },
    }
}


def every_method_to_the_function(paths: dict[str, Any]) -> dict[str, Any]:
    """Chalice's paths, each also sending the methods it does not declare to the API function.

    Without this, API Gateway answers a known path's other methods as an unknown path; with it the
    app answers them 405 with ``Allow`` (chalicelib/api/fallbacks.py). Declared methods still win.
    """
    return {
        path: {**methods, ANY_METHOD: next(method for name, method in methods.items() if name != "options")}
        for path, methods in paths.items()
    }


def consumer_handler(consumer: str) -> str:
    """The app.py handler name of a consumer queue (``erp-export`` -> ``erp_export_consumer``)."""
    return f"{consumer.replace('-', '_')}_consumer"


@dataclass(frozen=True)
class ConsumerQueue:
    consumer: str
    queue: sqs.Queue
    dead_letter_queue: sqs.Queue


class KontorStack(cdk.Stack):
    def __init__(
        self, scope: Construct, settings: StageSettings, *, env: cdk.Environment | None = None
    ) -> None:
        super().__init__(
            scope,
            settings.stack_name,
            stack_name=settings.stack_name,
            description=f"Kontor {settings.name}: API, table, queues, identity, alarms",
            env=env,
        )
        self.settings = settings
        self.removal_policy = cdk.RemovalPolicy.RETAIN if settings.retain_data else cdk.RemovalPolicy.DESTROY
        unknown = set(SUBSCRIPTIONS) - set(CONSUMER_QUEUES)
        if unknown:
            raise ValueError(f"SUBSCRIPTIONS names queues missing from CONSUMER_QUEUES: {sorted(unknown)}")

        self.table = self._table()
        self.media_bucket = self._media_bucket()
        self.cursor_secret = self._cursor_secret()
        self.user_pool, self.user_pool_client = self._identity()
        self.app = KontorChalice(
            self,
            "App",
            stage=settings.name,
            stage_config={
                "api_gateway_stage": API_GATEWAY_STAGE,
                "xray": True,
                "log_retention_in_days": settings.log_retention_days,
                "environment_variables": {
                    "KONTOR_STAGE": settings.name,
                    "KONTOR_QUEUE_PREFIX": settings.prefix,
                    "KONTOR_TRACING": "true",
                    "POWERTOOLS_SERVICE_NAME": SERVICE_NAME,
                    "POWERTOOLS_METRICS_NAMESPACE": METRICS_NAMESPACE,
                },
            },
        )
        self._check_functions()
        # SAM keeps every old layer version by default; dev deletes replaced ones, prod keeps them.
        self.app.get_resource(MANAGED_LAYER).add_property_override(
            "RetentionPolicy", "Retain" if settings.retain_data else "Delete"
        )
        self.consumers = [self._consumer_queue(consumer) for consumer in CONSUMER_QUEUES]
        self.exports = [self._export_queue(export) for export in EXPORT_QUEUES]
        self.dispatch_failures = sqs.Queue(
            self,
            "DispatchFailureQueue",
            queue_name=f"{settings.prefix}-outbox-dispatch-failures",
            retention_period=cdk.Duration.days(14),
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
        )

        self.function_names: dict[str, str] = {}
        self._configure_api()
        self._configure_dispatcher()
        for consumer in self.consumers:
            self._configure_consumer(consumer)
        self.tenant_policy = self._tenant_scoped_policy()
        self.alarm_topic = self._alarms()
        self._outputs()

    # -- data ---------------------------------------------------------------------------------------

    def _table(self) -> dynamodb.Table:
        def key(name: str) -> dynamodb.Attribute:
            return dynamodb.Attribute(name=name, type=dynamodb.AttributeType.STRING)

        table = dynamodb.Table(
            self,
            "Table",
            table_name=self.settings.prefix,
            partition_key=key(TABLE_SPEC.partition_key),
            sort_key=key(TABLE_SPEC.sort_key),
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            stream=dynamodb.StreamViewType[TABLE_SPEC.stream_view_type],
            time_to_live_attribute=TABLE_SPEC.ttl_attribute,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True
            ),
            deletion_protection=self.settings.retain_data,
            removal_policy=self.removal_policy,
        )
        for index in TABLE_SPEC.indexes:
            table.add_global_secondary_index(
                index_name=index.name,
                partition_key=key(index.partition_key),
                sort_key=key(index.sort_key),
                projection_type=dynamodb.ProjectionType.ALL,
            )
        return table

    def _media_bucket(self) -> s3.Bucket:
        """Products' media: private, encrypted, TLS only, uploaded to by browsers with pre-signed forms.

        Versioned: completion pins the version it checked, so a second POST with a form still valid
        cannot swap the file behind a ready record; replaced versions expire after a day. No fixed
        name (bucket names are global): the API gets it in ``KONTOR_MEDIA_BUCKET``.
        """
        return s3.Bucket(
            self,
            "MediaBucket",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            versioned=True,
            cors=[
                s3.CorsRule(
                    allowed_methods=[s3.HttpMethods.POST, s3.HttpMethods.GET],
                    allowed_origins=list(self.settings.media_origins),
                    allowed_headers=["*"],
                    exposed_headers=["ETag"],
                    max_age=3600,
                )
            ],
            lifecycle_rules=[
                s3.LifecycleRule(
                    id="ReplacedVersionsAndAbandonedParts",
                    noncurrent_version_expiration=cdk.Duration.days(MEDIA_CLEANUP_DAYS),
                    abort_incomplete_multipart_upload_after=cdk.Duration.days(MEDIA_CLEANUP_DAYS),
                    expired_object_delete_marker=True,
                ),
                s3.LifecycleRule(
                    id="AbandonedUploads",
                    tag_filters={PENDING_TAG_KEY: PENDING_TAG_VALUE},
                    expiration=cdk.Duration.days(MEDIA_CLEANUP_DAYS),
                ),
            ],
            removal_policy=self.removal_policy,
        )

    def _cursor_secret(self) -> secretsmanager.Secret:
        # No fixed name: a deleted secret's name stays reserved for its recovery window.
        return secretsmanager.Secret(
            self,
            "CursorSecret",
            description=f"Kontor {self.settings.name}: HMAC key that signs list cursors",
            generate_secret_string=secretsmanager.SecretStringGenerator(
                password_length=64, exclude_punctuation=True
            ),
            removal_policy=self.removal_policy,
        )

    def _consumer_queue(self, consumer: str) -> ConsumerQueue:
        handler = function_logical_id(consumer_handler(consumer))
        visibility = VISIBILITY_TIMEOUT_FACTOR * self.app.function_timeout(handler)
        return self._queue_with_dead_letters(consumer, visibility, retention_days=4)

    def _export_queue(self, export: str) -> ConsumerQueue:
        """A queue the dispatcher fills for a system outside the stack (its DLQ after ``MAX_RECEIVES``
        receives: a message that consumer keeps failing on is set aside, not lost)."""
        return self._queue_with_dead_letters(export, EXPORT_VISIBILITY_SECONDS, EXPORT_RETENTION_DAYS)

    def _queue_with_dead_letters(
        self, purpose: str, visibility_seconds: int, retention_days: int
    ) -> ConsumerQueue:
        """The queue ``<prefix>-<purpose>`` (encrypted, TLS only) and its dead-letter queue, which takes
        a message after ``MAX_RECEIVES`` receives."""
        name = f"{self.settings.prefix}-{purpose}"
        dead_letter_queue = sqs.Queue(
            self,
            f"DeadLetterQueue-{purpose}",
            queue_name=dead_letter_name(name),
            retention_period=cdk.Duration.days(self.settings.dead_letter_retention_days),
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
        )
        queue = sqs.Queue(
            self,
            f"Queue-{purpose}",
            queue_name=name,
            visibility_timeout=cdk.Duration.seconds(visibility_seconds),
            retention_period=cdk.Duration.days(retention_days),
            dead_letter_queue=sqs.DeadLetterQueue(max_receive_count=MAX_RECEIVES, queue=dead_letter_queue),
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
        )
        return ConsumerQueue(purpose, queue, dead_letter_queue)

    # -- identity -----------------------------------------------------------------------------------

    def _identity(self) -> tuple[cognito.UserPool, cognito.UserPoolClient]:
        pool = cognito.UserPool(
            self,
            "UserPool",
            user_pool_name=self.settings.prefix,
            feature_plan=cognito.FeaturePlan.ESSENTIALS,
            self_sign_up_enabled=False,  # tenant admins invite their staff; tenants are assigned
            sign_in_aliases=cognito.SignInAliases(email=True),
            sign_in_case_sensitive=False,
            auto_verify=cognito.AutoVerifiedAttrs(email=True),
            keep_original=cognito.KeepOriginalAttrs(email=True),
            standard_attributes=cognito.StandardAttributes(
                email=cognito.StandardAttribute(required=True, mutable=True)
            ),
            # The app reads the tenant from ``custom:tenant`` (TENANT_ID_PATTERN: 3 to 40 characters).
            custom_attributes={"tenant": cognito.StringAttribute(min_len=3, max_len=40, mutable=True)},
            password_policy=cognito.PasswordPolicy(
                min_length=12,
                require_lowercase=True,
                require_uppercase=True,
                require_digits=True,
                require_symbols=False,
            ),
            mfa=cognito.Mfa.OPTIONAL,
            mfa_second_factor=cognito.MfaSecondFactor(otp=True, sms=False),
            account_recovery=cognito.AccountRecovery.EMAIL_ONLY,
            deletion_protection=self.settings.retain_data,
            removal_policy=self.removal_policy,
        )
        client = pool.add_client(
            "AppClient",
            user_pool_client_name=f"{self.settings.prefix}-app",
            generate_secret=False,
            disable_o_auth=True,  # no hosted UI: clients sign in with SRP and send the ID token
            auth_flows=cognito.AuthFlow(user_srp=True),
            prevent_user_existence_errors=True,
            id_token_validity=cdk.Duration.hours(1),
            access_token_validity=cdk.Duration.hours(1),
            refresh_token_validity=cdk.Duration.days(30),
            read_attributes=cognito.ClientAttributes()
            .with_standard_attributes(email=True, email_verified=True, fullname=True)
            .with_custom_attributes("tenant"),
            # Users may edit their name only: the email keys their staff record and the tenant
            # fences their data, so neither is writable by the user.
            write_attributes=cognito.ClientAttributes().with_standard_attributes(fullname=True),
        )
        return pool, client

    @property
    def issuer(self) -> str:
        return f"https://cognito-idp.{self.region}.{self.url_suffix}/{self.user_pool.user_pool_id}"

    def _trusted_issuers(self) -> str:
        """``KONTOR_ISSUERS``: the stage's user pool; the audience is the app client (ID tokens)."""
        return json.dumps(
            [
                {
                    "issuer": self.issuer,
                    "audience": self.user_pool_client.user_pool_client_id,
                    "jwks_uri": f"{self.issuer}/.well-known/jwks.json",
                    "tenant_claim": "custom:tenant",
                    "email_claim": "email",
                    # The pool verifies every email (auto_verify) and its ID tokens say so.
                    "emails_verified": True,
                    # The platform's pool: the sellers' staff and their customers' buyers.
                    "signs_in": ["customer", "staff"],
                }
            ],
            separators=(",", ":"),
        )

    # -- functions ----------------------------------------------------------------------------------

    def _check_functions(self) -> None:
        wired = {API_HANDLER, function_logical_id(DISPATCHER_HANDLER)} | {
            function_logical_id(consumer_handler(consumer)) for consumer in CONSUMER_QUEUES
        }
        packaged = self.app.function_logical_ids()
        if missing := wired - packaged:
            raise ValueError(f"app.py registers no function for {sorted(missing)}")
        if unwired := packaged - wired:
            raise ValueError(
                f"functions {sorted(unwired)} have no role or event source: wire them in {__name__}"
            )

    def _function(
        self,
        logical_id: str,
        log_group_id: str,
        suffix: str,
        statements: list[iam.PolicyStatement],
        environment: dict[str, str] | None = None,
    ) -> cdk.CfnResource:
        """Name a packaged function, give it its own role and log group, and the stage's env."""
        name = f"{self.settings.prefix}-{suffix}"
        self.function_names[logical_id] = name
        log_arn = f"arn:{self.partition}:logs:{self.region}:{self.account}:log-group:/aws/lambda/{name}"
        role = iam.Role(
            self,
            f"Role-{suffix}",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description=f"Kontor {self.settings.name}: execution role of {name}",
            inline_policies={
                "access": iam.PolicyDocument(
                    statements=[
                        iam.PolicyStatement(
                            sid="Logs",
                            actions=["logs:CreateLogStream", "logs:PutLogEvents"],
                            resources=[f"{log_arn}:*"],
                        ),
                        iam.PolicyStatement(
                            # X-Ray has no resource-level permissions: these two take "*".
                            sid="Tracing",
                            actions=["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
                            resources=["*"],
                        ),
                        *statements,
                    ]
                )
            },
        )
        function = self.app.get_resource(logical_id)
        function.add_property_override("FunctionName", name)
        function.add_property_override("Role", role.role_arn)
        environment = {
            "KONTOR_TABLE": self.table.table_name,
            "KONTOR_ISSUERS": self._trusted_issuers(),
            **(environment or {}),
        }
        for variable, value in environment.items():
            function.add_property_override(f"Environment.Variables.{variable}", value)
        log_group = self.app.get_resource(log_group_id)
        # chalice names the log group after the function's logical id; the API's is renamed later in
        # chalice's template (ApiHandler -> APIHandler), so its Sub would not resolve. Use the name.
        log_group.add_property_override("LogGroupName", f"/aws/lambda/{name}")
        log_group.apply_removal_policy(self.removal_policy)
        function.add_resource_dependency(log_group)
        return function

    def _configure_api(self) -> None:
        statements = [
            self._table_statement("Table", API_TABLE_ACTIONS),
            iam.PolicyStatement(
                # The key is read at the first list request, never placed in the function's configuration.
                sid="ReadCursorKey",
                actions=["secretsmanager:GetSecretValue"],
                resources=[self.cursor_secret.secret_arn],
            ),
        ]
        statements += [
            iam.PolicyStatement(
                sid="MediaObjects",
                actions=list(API_MEDIA_OBJECT_ACTIONS),
                resources=[self.media_bucket.arn_for_objects(f"{MEDIA_ROOT}*")],
            ),
            iam.PolicyStatement(
                sid="MediaVersions",
                actions=list(API_MEDIA_BUCKET_ACTIONS),
                resources=[self.media_bucket.bucket_arn],
                conditions={"StringLike": {"s3:prefix": [f"{MEDIA_ROOT}*"]}},
            ),
        ]
        statements.append(
            iam.PolicyStatement(
                # GET /v1/health/ready asks each consumer queue whether it answers.
                sid="ProbeQueues",
                actions=list(QUEUE_PROBE_ACTIONS),
                resources=[self._consumer(name).queue.queue_arn for name in CONSUMER_QUEUES],
            )
        )
        if API_SENDS_TO:
            statements.append(
                iam.PolicyStatement(
                    sid="SendToQueues",
                    actions=list(QUEUE_SEND_ACTIONS),
                    resources=[self._consumer(name).queue.queue_arn for name in API_SENDS_TO],
                )
            )
        self._function(
            API_HANDLER,
            API_LOG_GROUP,
            "api",
            statements,
            environment={
                "KONTOR_CURSOR_SECRET_ARN": self.cursor_secret.secret_arn,
                "KONTOR_MEDIA_BUCKET": self.media_bucket.bucket_name,
            },
        )
        rest_api = self.app.get_resource(REST_API)
        rest_api.add_property_override("TracingEnabled", True)
        definition = self.app.chalice_template["Resources"][REST_API]["Properties"]["DefinitionBody"]
        rest_api.add_property_override(
            "DefinitionBody.paths", every_method_to_the_function(definition["paths"])
        )
        rest_api.add_property_override(f"DefinitionBody.{GATEWAY_RESPONSES}", UNKNOWN_PATH_RESPONSE)
        rest_api.add_property_override(
            "MethodSettings",
            [
                {
                    "ResourcePath": "/*",
                    "HttpMethod": "*",
                    "ThrottlingRateLimit": self.settings.api_rate_limit,
                    "ThrottlingBurstLimit": self.settings.api_burst_limit,
                    "MetricsEnabled": True,
                }
            ],
        )

    def _configure_dispatcher(self) -> None:
        subscribed = [self._consumer(name) for name in sorted(SUBSCRIPTIONS)]
        function = self._function(
            function_logical_id(DISPATCHER_HANDLER),
            log_group_logical_id(DISPATCHER_HANDLER),
            "outbox-dispatcher",
            [
                iam.PolicyStatement(
                    sid="ReadTableStream",
                    actions=list(STREAM_READ_ACTIONS),
                    resources=[f"{self.table.table_arn}/stream/*"],
                ),
                iam.PolicyStatement(
                    sid="SendToSubscribedQueues",
                    actions=list(QUEUE_SEND_ACTIONS),
                    resources=[consumer.queue.queue_arn for consumer in [*subscribed, *self.exports]],
                ),
                self._table_statement("ReadPlacedOrdersLines", DISPATCHER_TABLE_ACTIONS),
                iam.PolicyStatement(
                    # Lambda sends the failed batch's description with the function's role.
                    sid="SendFailedBatches",
                    actions=["sqs:SendMessage"],
                    resources=[self.dispatch_failures.queue_arn],
                ),
            ],
        )
        # Only new outbox event items wake the dispatcher (it ignores everything else anyway).
        only_new_events = {"eventName": ["INSERT"], "dynamodb": {"NewImage": {"type": {"S": [EVENT_TYPE]}}}}
        lambda_.CfnEventSourceMapping(
            self,
            "DispatcherStreamSource",
            function_name=function.ref,
            event_source_arn=self.table.table_stream_arn,
            starting_position="TRIM_HORIZON",
            batch_size=self.settings.stream_batch_size,
            parallelization_factor=1,
            bisect_batch_on_function_error=True,
            maximum_retry_attempts=self.settings.stream_max_retries,
            maximum_record_age_in_seconds=self.settings.stream_max_record_age_seconds,
            function_response_types=["ReportBatchItemFailures"],
            destination_config=lambda_.CfnEventSourceMapping.DestinationConfigProperty(
                on_failure=lambda_.CfnEventSourceMapping.OnFailureProperty(
                    destination=self.dispatch_failures.queue_arn
                )
            ),
            filter_criteria=lambda_.CfnEventSourceMapping.FilterCriteriaProperty(
                filters=[lambda_.CfnEventSourceMapping.FilterProperty(pattern=json.dumps(only_new_events))]
            ),
        )

    def _configure_consumer(self, consumer: ConsumerQueue) -> None:
        handler = consumer_handler(consumer.consumer)
        statements = [
            iam.PolicyStatement(
                sid="ConsumeOwnQueue",
                actions=list(QUEUE_CONSUME_ACTIONS),
                resources=[consumer.queue.queue_arn],
            ),
            iam.PolicyStatement(
                # A message that can never succeed is moved to the DLQ at once, with its reason.
                sid="DeadLetterPermanentFailures",
                actions=list(QUEUE_SEND_ACTIONS),
                resources=[consumer.dead_letter_queue.queue_arn],
            ),
        ]
        if consumer.consumer in CONSUMERS_CONTINUING_ON_OWN_QUEUE:
            statements.append(
                iam.PolicyStatement(
                    sid="ContinueOnOwnQueue",
                    actions=list(QUEUE_SEND_ACTIONS),
                    resources=[consumer.queue.queue_arn],
                )
            )
        table_actions = CONSUMER_TABLE_ACTIONS.get(consumer.consumer, ())
        if table_actions:
            statements.append(self._table_statement("Table", table_actions))
        function = self._function(
            function_logical_id(handler),
            log_group_logical_id(handler),
            f"{consumer.consumer}-consumer",
            statements,
        )
        lambda_.CfnEventSourceMapping(
            self,
            f"ConsumerQueueSource-{consumer.consumer}",
            function_name=function.ref,
            event_source_arn=consumer.queue.queue_arn,
            batch_size=self.settings.queue_batch_size,
            function_response_types=["ReportBatchItemFailures"],
            scaling_config=lambda_.CfnEventSourceMapping.ScalingConfigProperty(
                maximum_concurrency=self.settings.queue_max_concurrency
            ),
        )

    def _consumer(self, name: str) -> ConsumerQueue:
        return next(consumer for consumer in self.consumers if consumer.consumer == name)

    def _table_statement(self, sid: str, actions: tuple[str, ...]) -> iam.PolicyStatement:
        return iam.PolicyStatement(
            sid=sid,
            actions=list(actions),
            resources=[self.table.table_arn, f"{self.table.table_arn}/index/*"],
        )

    def _tenant_scoped_policy(self) -> iam.ManagedPolicy:
        """Data access fenced to one tenant's items, for a future token-vending role.

        A role assumed with the session tag ``tenant=<id>`` and this policy reaches only items whose
        partition key (table or GSI) starts with ``T#<id>#``. Not attached to anything yet.
        """
        return iam.ManagedPolicy(
            self,
            "TenantScopedDataPolicy",
            description=(
                f"Kontor {self.settings.name}: one tenant's items only (session tag 'tenant'); "
                "for a token-vending role"
            ),
            statements=[
                iam.PolicyStatement(
                    sid="OneTenantsItems",
                    actions=list(TENANT_DATA_ACTIONS),
                    resources=[self.table.table_arn, f"{self.table.table_arn}/index/*"],
                    conditions={
                        "ForAllValues:StringLike": {"dynamodb:LeadingKeys": [TENANT_LEADING_KEYS]},
                        "StringLike": {"aws:PrincipalTag/tenant": "?*"},
                    },
                )
            ],
        )

    # -- alarms and outputs -------------------------------------------------------------------------

    def _alarms(self) -> sns.Topic:
        topic = sns.Topic(self, "AlarmTopic", display_name=f"Kontor {self.settings.name} alarms")
        if self.settings.alarm_email:
            topic.add_subscription(subscriptions.EmailSubscription(self.settings.alarm_email))
        action = cloudwatch_actions.SnsAction(topic)
        minute = cdk.Duration.minutes(1)
        five_minutes = cdk.Duration.minutes(5)

        def alarm(alarm_id: str, metric: cloudwatch.IMetric, threshold: float, description: str) -> None:
            created = cloudwatch.Alarm(
                self,
                alarm_id,
                metric=metric,
                threshold=threshold,
                evaluation_periods=1,
                comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
                alarm_description=description,
            )
            created.add_alarm_action(action)

        def queue_alarms(pair: ConsumerQueue, dead_letters: str, falling_behind: str) -> None:
            alarm(
                f"DeadLetters-{pair.consumer}",
                pair.dead_letter_queue.metric_approximate_number_of_messages_visible(
                    period=minute, statistic="Maximum"
                ),
                1,
                dead_letters,
            )
            alarm(
                f"OldestMessage-{pair.consumer}",
                pair.queue.metric_approximate_age_of_oldest_message(period=minute, statistic="Maximum"),
                self.settings.oldest_message_alarm_seconds,
                falling_behind,
            )

        for consumer in self.consumers:
            queue_alarms(
                consumer,
                f"messages of {consumer.consumer} failed {MAX_RECEIVES} times (replay: kontor replay-dlq)",
                f"the {consumer.consumer} consumer is falling behind",
            )
        for export in self.exports:
            queue_alarms(
                export,
                f"the system reading {export.consumer} failed on messages {MAX_RECEIVES} times",
                f"the system reading {export.consumer} is falling behind (or stopped reading)",
            )
        alarm(
            "DispatchFailures",
            self.dispatch_failures.metric_approximate_number_of_messages_visible(
                period=minute, statistic="Maximum"
            ),
            1,
            "stream batches the dispatcher gave up on (records to re-dispatch)",
        )
        dispatcher = self.app.get_resource(function_logical_id(DISPATCHER_HANDLER))
        alarm(
            "StreamIteratorAge",
            self._lambda_metric(dispatcher, "IteratorAge", "Maximum", minute),
            self.settings.stream_iterator_age_alarm_seconds * 1000,
            "the outbox dispatcher is falling behind the table stream",
        )
        for logical_id, name in self.function_names.items():
            function = self.app.get_resource(logical_id)
            alarm(
                f"Errors-{name}",
                self._lambda_metric(function, "Errors", "Sum", five_minutes),
                self.settings.lambda_error_alarm_threshold,
                f"{name} raised errors",
            )
            alarm(
                f"Throttles-{name}",
                self._lambda_metric(function, "Throttles", "Sum", five_minutes),
                1,
                f"{name} was throttled",
            )
        return topic

    @staticmethod
    def _lambda_metric(
        function: cdk.CfnResource, metric_name: str, statistic: str, period: cdk.Duration
    ) -> cloudwatch.Metric:
        return cloudwatch.Metric(
            namespace="AWS/Lambda",
            metric_name=metric_name,
            dimensions_map={"FunctionName": function.ref},
            statistic=statistic,
            period=period,
        )

    def _outputs(self) -> None:
        # chalice's template already outputs the API: EndpointURL (the base URL), RestAPIId, APIHandlerName.
        outputs = {
            "TableName": self.table.table_name,
            "MediaBucketName": self.media_bucket.bucket_name,
            "UserPoolId": self.user_pool.user_pool_id,
            "UserPoolClientId": self.user_pool_client.user_pool_client_id,
            "Issuer": self.issuer,
            "DispatchFailureQueueUrl": self.dispatch_failures.queue_url,
            "AlarmTopicArn": self.alarm_topic.topic_arn,
            "CursorSecretArn": self.cursor_secret.secret_arn,
            "TenantScopedDataPolicyArn": self.tenant_policy.managed_policy_arn,
        }
        for consumer in [*self.consumers, *self.exports]:
            key = "".join(part.capitalize() for part in consumer.consumer.split("-"))
            outputs[f"{key}QueueUrl"] = consumer.queue.queue_url
            outputs[f"{key}DeadLetterQueueUrl"] = consumer.dead_letter_queue.queue_url
        for output_id, value in outputs.items():
            cdk.CfnOutput(self, output_id, value=value)
