"""Create the stack's data resources in moto the way template.yaml defines them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .template import resource_properties

if TYPE_CHECKING:  # pragma: no cover
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_s3 import S3Client


def create_table(dynamodb: DynamoDBClient, resource: str, name: str) -> str:
    """Table ``name`` with the key schema, indexes and billing mode of template.yaml's
    ``resource`` (CatalogTable, EnrolmentTable)."""
    template = resource_properties(resource)
    dynamodb.create_table(
        TableName=name,
        BillingMode=template["BillingMode"],
        AttributeDefinitions=template["AttributeDefinitions"],
        KeySchema=template["KeySchema"],
        GlobalSecondaryIndexes=template["GlobalSecondaryIndexes"],
    )
    return name


def create_catalog_table(dynamodb: DynamoDBClient, name: str) -> str:
    return create_table(dynamodb, "CatalogTable", name)


def create_enrolment_table(dynamodb: DynamoDBClient, name: str) -> str:
    return create_table(dynamodb, "EnrolmentTable", name)


def create_content_bucket(s3: S3Client, name: str, app_origin: str) -> str:
    """The private content bucket: public access blocked, owner-enforced, encrypted, CORS."""
    template = resource_properties("ContentBucket")
    s3.create_bucket(Bucket=name)
    s3.put_public_access_block(
        Bucket=name, PublicAccessBlockConfiguration=template["PublicAccessBlockConfiguration"]
    )
    s3.put_bucket_ownership_controls(Bucket=name, OwnershipControls=template["OwnershipControls"])
    s3.put_bucket_encryption(
        Bucket=name,
        ServerSideEncryptionConfiguration={
            "Rules": [
                {
                    "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"},
                    "BucketKeyEnabled": True,
                }
            ]
        },
    )
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    rules: list[dict[str, Any]] = []
    for rule in template["CorsConfiguration"]["CorsRules"]:
        rules.append(
            {
                "AllowedOrigins": [app_origin],
                "AllowedMethods": rule["AllowedMethods"],
                "AllowedHeaders": rule["AllowedHeaders"],
                "ExposeHeaders": rule["ExposedHeaders"],
                "MaxAgeSeconds": rule["MaxAge"],
            }
        )
    s3.put_bucket_cors(Bucket=name, CORSConfiguration={"CORSRules": rules})  # type: ignore[typeddict-item]
    return name
