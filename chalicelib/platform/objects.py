"""S3 objects of the media bucket: pre-signed uploads and downloads, checks and deletion.

Files never pass through the API (a Lambda request body is capped at 6 MB): the API signs a form the
browser POSTs straight to S3, whose policy fixes the key, the content type and the exact size, and
a link to GET the object. Signing is local computation (no AWS call); :func:`stat`, :func:`read_head`,
:func:`untag` and :func:`delete_prefix` reach S3.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from chalicelib.platform.aws import s3_client
from chalicelib.platform.ids import utc_now
from chalicelib.platform.settings import get_settings

# Browsers upload with a form POST and download with GET (the stack names the origins; locally any).
CORS_RULES = [
    {
        "AllowedMethods": ["POST", "GET"],
        "AllowedOrigins": ["*"],
        "AllowedHeaders": ["*"],
        "ExposeHeaders": ["ETag"],
        "MaxAgeSeconds": 3600,
    }
]


@dataclass(frozen=True)
class SignedPost:
    url: str
    fields: dict[str, str]
    expires_at: datetime


@dataclass(frozen=True)
class SignedGet:
    url: str
    expires_at: datetime


@dataclass(frozen=True)
class ObjectStat:
    size: int
    content_type: str | None
    version_id: str | None


def _tagging(tags: dict[str, str]) -> str:
    """The XML tag set of a POST upload's ``tagging`` field (keys and values of our own: no escaping)."""
    inner = "".join(f"<Tag><Key>{key}</Key><Value>{value}</Value></Tag>" for key, value in tags.items())
    return f"<Tagging><TagSet>{inner}</TagSet></Tagging>"


def signed_upload(key: str, content_type: str, size: int, tags: dict[str, str]) -> SignedPost:
    """A form that uploads exactly ``size`` bytes of ``content_type`` to ``key`` with ``tags``, and
    nothing else."""
    settings = get_settings()
    seconds = settings.media_upload_seconds
    fields = {"Content-Type": content_type, "tagging": _tagging(tags)}
    form = s3_client().generate_presigned_post(
        Bucket=settings.media_bucket,
        Key=key,
        Fields=fields,
        Conditions=[*({name: value} for name, value in fields.items()), ["content-length-range", size, size]],
        ExpiresIn=seconds,
    )
    return SignedPost(form["url"], dict(form["fields"]), utc_now() + timedelta(seconds=seconds))


def signed_download(key: str, version_id: str | None, content_type: str, disposition: str) -> SignedGet:
    """A link to GET the object's ``version_id`` (the latest if None), answered with these headers."""
    settings = get_settings()
    seconds = settings.media_download_seconds
    params: dict[str, Any] = {
        "Bucket": settings.media_bucket,
        "Key": key,
        "ResponseContentType": content_type,
        "ResponseContentDisposition": disposition,
    }
    if version_id:
        params["VersionId"] = version_id
    url = s3_client().generate_presigned_url("get_object", Params=params, ExpiresIn=seconds)
    return SignedGet(url, utc_now() + timedelta(seconds=seconds))


def stat(key: str) -> ObjectStat | None:
    """The object's size, type and version (HeadObject), or None if nothing is there."""
    from botocore.exceptions import ClientError

    try:
        head = s3_client().head_object(Bucket=get_settings().media_bucket, Key=key)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
            return None
        raise
    return ObjectStat(int(head["ContentLength"]), head.get("ContentType"), head.get("VersionId"))


def read_head(key: str, version_id: str | None, length: int) -> bytes:
    """The object version's first ``length`` bytes (a ranged GetObject)."""
    params: dict[str, Any] = {
        "Bucket": get_settings().media_bucket,
        "Key": key,
        "Range": f"bytes=0-{length - 1}",
    }
    if version_id:
        params["VersionId"] = version_id
    return bytes(s3_client().get_object(**params)["Body"].read())


def untag(key: str, version_id: str | None) -> None:
    """Remove the tags of the object's version (its upload's ``pending`` tag, once completed)."""
    params: dict[str, Any] = {"Bucket": get_settings().media_bucket, "Key": key}
    if version_id:
        params["VersionId"] = version_id
    s3_client().delete_object_tagging(**params)


def delete_prefix(prefix: str) -> None:
    """Delete every object and object version under ``prefix`` (a media's upload and re-uploads)."""
    client, bucket = s3_client(), get_settings().media_bucket
    paginator = client.get_paginator("list_object_versions")
    for page in paginator.paginate(Bucket=bucket, Prefix=prefix):
        found = page.get("Versions", []) + page.get("DeleteMarkers", [])
        doomed = [{"Key": item["Key"], "VersionId": item["VersionId"]} for item in found]
        if doomed:
            client.delete_objects(Bucket=bucket, Delete={"Objects": doomed, "Quiet": True})


def create_bucket(s3: Any, bucket: str, region: str) -> None:
    """The media bucket as the stack makes it (versioned, CORS for browsers), for the local stack and
    the tests; idempotent."""
    existing = {entry["Name"] for entry in s3.list_buckets().get("Buckets", [])}
    if bucket not in existing:
        location = (
            {} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}
        )
        s3.create_bucket(Bucket=bucket, **location)
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": CORS_RULES})
