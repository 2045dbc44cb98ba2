"""The media bucket: private, encrypted, TLS only, versioned, CORS for browser uploads, cleaned by
lifecycle rules; only the API function reaches it, and only under the media root."""

from __future__ import annotations

from typing import Any

from chalicelib.domain.catalog.media import MEDIA_ROOT, PENDING_TAG_KEY, PENDING_TAG_VALUE

from .support import Template, actions_of, ref_id, render, resources_of


def _bucket(template: Template) -> tuple[str, dict[str, Any]]:
    buckets = template.of_type("AWS::S3::Bucket")
    assert len(buckets) == 1, f"one media bucket per stage, found {sorted(buckets)}"
    [(logical_id, _)] = buckets.items()
    return logical_id, template.props(logical_id)


def test_the_bucket_is_private_encrypted_and_owned_by_the_account(template: Template) -> None:
    # when
    _, bucket = _bucket(template)

    # then
    assert bucket["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    [rule] = bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert rule["ServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    assert bucket["OwnershipControls"] == {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}


def test_the_bucket_refuses_requests_without_tls(template: Template) -> None:
    # given
    bucket_id, _ = _bucket(template)
    [policy_id] = [
        policy_id
        for policy_id in template.of_type("AWS::S3::BucketPolicy")
        if ref_id(template.props(policy_id)["Bucket"]) == bucket_id
    ]

    # when
    statements = template.props(policy_id)["PolicyDocument"]["Statement"]

    # then
    assert any(
        statement["Effect"] == "Deny"
        and statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
        and actions_of(statement) == ["s3:*"]
        for statement in statements
    )


def test_the_bucket_is_versioned_so_a_ready_media_serves_the_version_checked(template: Template) -> None:
    # when
    _, bucket = _bucket(template)

    # then
    assert bucket["VersioningConfiguration"] == {"Status": "Enabled"}


def test_browsers_of_the_stage_s_origins_may_upload_and_download(template: Template) -> None:
    # when
    _, bucket = _bucket(template)

    # then
    [rule] = bucket["CorsConfiguration"]["CorsRules"]
    assert sorted(rule["AllowedMethods"]) == ["GET", "POST"]
    assert rule["AllowedOrigins"] == list(template.stage.media_origins)
    assert "*" not in rule["AllowedOrigins"]


def test_abandoned_uploads_and_replaced_versions_expire(template: Template) -> None:
    # when
    _, bucket = _bucket(template)
    rules = {rule["Id"]: rule for rule in bucket["LifecycleConfiguration"]["Rules"]}

    # then
    abandoned = rules["AbandonedUploads"]
    assert abandoned["Status"] == "Enabled"
    assert abandoned["TagFilters"] == [{"Key": PENDING_TAG_KEY, "Value": PENDING_TAG_VALUE}]
    assert abandoned["ExpirationInDays"] == 1
    replaced = rules["ReplacedVersionsAndAbandonedParts"]
    assert replaced["NoncurrentVersionExpiration"] == {"NoncurrentDays": 1}
    assert replaced["AbortIncompleteMultipartUpload"] == {"DaysAfterInitiation": 1}


def test_prod_keeps_the_media_when_the_stack_goes(template: Template) -> None:
    # when
    bucket_id, _ = _bucket(template)
    resource = template.resources[bucket_id]

    # then
    expected = "Retain" if template.stage.retain_data else "Delete"
    assert resource["DeletionPolicy"] == resource["UpdateReplacePolicy"] == expected


def _s3_statements(template: Template, function_id: str) -> list[dict[str, Any]]:
    return [
        statement
        for statement in template.statements(template.role_of(function_id))
        if any(action.startswith("s3:") for action in actions_of(statement))
    ]


def test_only_the_api_reaches_the_bucket_and_only_its_media_objects(template: Template) -> None:
    # given
    bucket_id, _ = _bucket(template)
    api = template.function_by_name(f"{template.stage.prefix}-api")

    # when
    statements = {statement["Sid"]: statement for statement in _s3_statements(template, api)}

    # then
    assert set(statements) == {"MediaObjects", "MediaVersions"}
    [objects] = resources_of(statements["MediaObjects"])
    assert render(objects) == f"<{bucket_id}>/{MEDIA_ROOT}*"
    assert "s3:ListBucket" not in actions_of(statements["MediaVersions"])
    assert statements["MediaVersions"]["Condition"] == {"StringLike": {"s3:prefix": [f"{MEDIA_ROOT}*"]}}
    others = [function_id for function_id in template.functions() if function_id != api]
    assert all(_s3_statements(template, function_id) == [] for function_id in others)


def test_the_api_is_told_the_bucket_s_name(template: Template) -> None:
    # given
    bucket_id, _ = _bucket(template)
    api = template.function_by_name(f"{template.stage.prefix}-api")

    # then
    assert template.props(api)["Environment"]["Variables"]["KONTOR_MEDIA_BUCKET"] == {"Ref": bucket_id}
