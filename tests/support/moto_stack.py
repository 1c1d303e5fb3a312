"""A stack deployed in moto with the outputs ``bin/content`` reads: the bucket and catalog
table as the template declares them, a distribution and a user pool."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from typing import Any, NamedTuple

from local.template import resource_properties
from shared.catalog.model import Course
from tools.publishing.writes import CatalogWriter
from tools.stack import StackResources, resolve


class Stack(NamedTuple):
    """A stack deployed in moto with the outputs `bin/content` reads."""

    name: str
    resources: StackResources


def deploy_content_stack(aws: dict[str, Any], outputs: Mapping[str, str] | None = None) -> Stack:
    """Deploy a new such stack with the ``aws`` clients (on moto); ``outputs``, more outputs
    (the grant store's, say)."""
    name = f"content-{uuid.uuid4().hex[:8]}"
    distribution = aws["cloudfront"].create_distribution(
        DistributionConfig={
            "CallerReference": name,
            "Comment": "",
            "Enabled": True,
            "Origins": {
                "Quantity": 1,
                "Items": [
                    {
                        "Id": "content",
                        "DomainName": "b.s3.amazonaws.com",
                        "S3OriginConfig": {"OriginAccessIdentity": ""},
                    }
                ],
            },
            "DefaultCacheBehavior": {
                "TargetOriginId": "content",
                "ViewerProtocolPolicy": "redirect-to-https",
                "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6",
            },
        }
    )["Distribution"]
    pool_id = aws["cognito-idp"].create_user_pool(PoolName=name, UsernameAttributes=["email"])[
        "UserPool"
    ]["Id"]
    shape = ("BillingMode", "AttributeDefinitions", "KeySchema", "GlobalSecondaryIndexes")
    tables = {
        resource: {
            "Type": "AWS::DynamoDB::Table",
            "Properties": {k: resource_properties(resource)[k] for k in shape},
        }
        for resource in ("CatalogTable", "EnrolmentTable")
    }
    template = {
        "Resources": {"ContentBucket": {"Type": "AWS::S3::Bucket"}, **tables},
        "Outputs": {
            "ContentBucketName": {"Value": {"Ref": "ContentBucket"}},
            "CatalogTableName": {"Value": {"Ref": "CatalogTable"}},
            "EnrolmentTableName": {"Value": {"Ref": "EnrolmentTable"}},
            "DistributionId": {"Value": distribution["Id"]},
            "ContentBaseUrl": {"Value": f"https://{distribution['DomainName']}"},
            "UserPoolId": {"Value": pool_id},
            "CourseGroupPrefix": {"Value": "course-"},
            **{key: {"Value": value} for key, value in (outputs or {}).items()},
        },
    }
    aws["cloudformation"].create_stack(StackName=name, TemplateBody=json.dumps(template))
    resources = resolve(aws["cloudformation"], name)
    # moto's CloudFormation ignores VersioningConfiguration; the template enables it.
    aws["s3"].put_bucket_versioning(
        Bucket=resources.bucket, VersioningConfiguration={"Status": "Enabled"}
    )
    return Stack(name, resources)


def create_course(aws: dict[str, Any], stack: Stack, course_id: str) -> None:
    """The course, as `bin/content course put` creates it (publishing needs it first)."""
    catalog = CatalogWriter(aws["dynamodb"], stack.resources.table)
    catalog.put_course(Course.check(course_id, f"Course {course_id}"))
