"""template.yaml after the SAM transform: what a first deployment depends on, checked offline.

These tests read the CloudFormation the SAM translator produces, so they see exactly what
CloudFormation will create (generated roles, versions, the API's OpenAPI body).
"""

from __future__ import annotations

import copy
import fnmatch
import json
import re
from pathlib import Path
from typing import Any

import botocore.session
import pytest
import yaml

from content_delivery.settings import MIN_GRANT_LIFETIME_SECONDS
from grant_key.resource import secret_name
from grant_key.schedule import CLEAN_UP, ROTATE, action_of
from shared.grant_keys import KEY_PROPAGATION_SECONDS, VERIFY_FOR_SECONDS
from shared.grant_layout import MAX_LIFETIME_SECONDS
from tests.support.dependencies import waits_for
from tests.support.representative_arns import ACCOUNT, PSEUDO_PARAMETERS, REGION, Resolver
from tests.support.template import resources_of_type, source_template, transformed_template
from tools.stack import ROOT

CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"

# Resource types the Serverless Application Repository accepts, for the types this kind of
# stack could use (https://docs.aws.amazon.com/serverlessrepo/latest/devguide/
# list-supported-resources.html). AWS::CloudFront::OriginAccessControl, ResponseHeadersPolicy,
# KeyValueStore and Function are missing from it (SAM issues #3681, #2281), and Custom::<Name>
# types are rejected too (aws-sam-cli #955), hence AWS::CloudFormation::CustomResource.
SAR_SUPPORTED = {
    "AWS::ApiGateway::Account",
    "AWS::ApiGateway::Authorizer",
    "AWS::ApiGateway::Deployment",
    "AWS::ApiGateway::GatewayResponse",
    "AWS::ApiGateway::Method",
    "AWS::ApiGateway::Resource",
    "AWS::ApiGateway::RestApi",
    "AWS::ApiGateway::Stage",
    "AWS::CloudFormation::CustomResource",
    "AWS::CloudFront::CloudFrontOriginAccessIdentity",
    "AWS::CloudFront::Distribution",
    "AWS::CloudWatch::Alarm",
    "AWS::Cognito::UserPool",
    "AWS::Cognito::UserPoolClient",
    # Listed since the 2021 version of SAR's list (aws-serverlessrepo-developer-guide @5e8664b);
    # AWS::Cognito::ManagedLoginBranding is not, hence ManagedLoginVersion 1.
    "AWS::Cognito::UserPoolDomain",
    "AWS::Cognito::UserPoolGroup",
    "AWS::DynamoDB::Table",
    # Listed since the first version of SAR's list (aws-serverlessrepo-developer-guide
    # @121ce43); SAM's Schedule events make it.
    "AWS::Events::Rule",
    "AWS::IAM::ManagedPolicy",
    "AWS::IAM::Policy",
    "AWS::IAM::Role",
    "AWS::Lambda::Alias",
    "AWS::Lambda::Function",
    "AWS::Lambda::Permission",
    "AWS::Lambda::Version",
    "AWS::Logs::LogGroup",
    "AWS::S3::Bucket",
    "AWS::S3::BucketPolicy",
    "AWS::SNS::Topic",
}


@pytest.fixture(scope="module")
def cfn() -> dict[str, Any]:
    return transformed_template()


@pytest.fixture(scope="module")
def resources(cfn: dict[str, Any]) -> dict[str, Any]:
    resources: dict[str, Any] = cfn["Resources"]
    return resources


def props(resources: dict[str, Any], name: str) -> dict[str, Any]:
    properties: dict[str, Any] = resources[name]["Properties"]
    return properties


def statements(document: dict[str, Any]) -> list[dict[str, Any]]:
    found = document["Statement"]
    return found if isinstance(found, list) else [found]


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def all_policy_statements(resources: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for resource in resources.values():
        p = resource.get("Properties", {})
        if resource["Type"] == "AWS::IAM::Role":
            for policy in p.get("Policies", []):
                found += statements(policy["PolicyDocument"])
        if resource["Type"] in ("AWS::S3::BucketPolicy", "AWS::IAM::Policy"):
            found += statements(p["PolicyDocument"])
    return found


def policies_of_role(resources: dict[str, Any], role: str) -> dict[str, Any]:
    """The role itself and every AWS::IAM::Policy attached to it."""
    attached = {
        name: r
        for name, r in resources_of_type({"Resources": resources}, "AWS::IAM::Policy").items()
        if {"Ref": role} in r["Properties"]["Roles"]
    }
    return {role: resources[role], **attached}


#: What a function runs on when its template sets no Architectures (Lambda's default).
LAMBDA_DEFAULT_ARCHITECTURES = ["x86_64"]

FUNCTIONS = [
    "EdgeAuthFunction",
    "EdgeConfigFunction",
    "CloudFrontResourcesFunction",
    "LogRetentionFunction",
    "ContentDeliveryFunction",
    "GrantKeyFunction",
    "GrantKeyScheduleFunction",
]
REGIONAL_FUNCTIONS = FUNCTIONS[1:]


def log_retention_of(resources: dict[str, Any], function: str) -> dict[str, Any]:
    """The LogRetention resource keeping ``function``'s log group: Lambda's default one,
    /aws/lambda/<function name> (the edge function's replicas log to /aws/lambda/us-east-1.<name>
    in the Region that served the request)."""
    prefix = "us-east-1." if function == "EdgeAuthFunction" else ""
    group = {"Fn::Sub": f"/aws/lambda/{prefix}${{{function}}}"}
    [kept] = [
        r["Properties"]
        for r in resources.values()
        if r["Type"] == "AWS::CloudFormation::CustomResource"
        and r["Properties"].get("LogGroupName") == group
    ]
    properties: dict[str, Any] = kept
    return properties


# --- the edge function --------------------------------------------------------------------


def test_the_edge_function_fits_lambda_edge_viewer_trigger_limits(
    resources: dict[str, Any],
) -> None:
    edge = props(resources, "EdgeAuthFunction")
    assert edge["Runtime"] == "python3.13"
    assert edge.get("Architectures", LAMBDA_DEFAULT_ARCHITECTURES) == ["x86_64"]
    assert edge["MemorySize"] == 128
    assert edge["Timeout"] == 5


@pytest.mark.parametrize(
    "forbidden",
    [
        "Environment",
        "Layers",
        "TracingConfig",
        "ReservedConcurrentExecutions",
        "DeadLetterConfig",
        "VpcConfig",
        "FileSystemConfigs",
        "SnapStart",
    ],
)
def test_the_edge_function_uses_nothing_lambda_edge_rejects(
    resources: dict[str, Any], forbidden: str
) -> None:
    assert forbidden not in props(resources, "EdgeAuthFunction")


def test_a_change_to_any_edge_function_setting_publishes_a_new_edge_version(
    resources: dict[str, Any],
) -> None:
    """SAM's AutoPublishAlias publishes a version when the code or MemorySize changes (without
    AutoPublishAliasAllProperties, which SAR is not known to accept). The version CloudFront
    runs is EdgeConfig's, published from $LATEST with every setting as deployed; EdgeConfig
    repeats every other setting, so a change to one changes EdgeConfig and it publishes again."""
    source = source_template()["Resources"]["EdgeAuthFunction"]["Properties"]
    assert source["AutoPublishAlias"]
    assert "AutoPublishAliasAllProperties" not in source
    edge = props(resources, "EdgeAuthFunction")
    settings = {k: v for k, v in edge.items() if k not in ("Code", "Description", "Tags")}
    assert props(resources, "EdgeConfig")["EdgeFunctionSettings"] == settings


# What a Lambda@Edge function may have and every function can share. SAM merges
# Globals.Function into the edge function too, and a function cannot drop a global.
EDGE_SAFE_GLOBALS = {"CodeUri", "Handler", "Runtime", "Architectures", "Description"}


def test_globals_hold_only_what_the_edge_function_may_have_too() -> None:
    function_globals = source_template().get("Globals", {}).get("Function", {})
    assert set(function_globals) <= EDGE_SAFE_GLOBALS


@pytest.mark.parametrize("function", FUNCTIONS)
def test_every_function_runs_on_the_platform_its_dependencies_are_installed_for(
    resources: dict[str, Any], function: str
) -> None:
    """functions/Makefile installs wheels for one Python and one architecture."""
    makefile = (ROOT / "functions" / "Makefile").read_text(encoding="utf-8")
    [architecture] = re.findall(r"--platform manylinux\w*?_(x86_64|aarch64)", makefile)
    [python] = re.findall(r"--python-version (\d+\.\d+)", makefile)
    properties = props(resources, function)
    assert properties["Runtime"] == f"python{python}"
    expected = [{"aarch64": "arm64"}.get(architecture, architecture)]
    assert properties.get("Architectures", LAMBDA_DEFAULT_ARCHITECTURES) == expected


def test_the_edge_role_trusts_lambda_and_edgelambda(resources: dict[str, Any]) -> None:
    role = props(resources, "EdgeAuthRole")
    [trust] = statements(role["AssumeRolePolicyDocument"])
    assert set(trust["Principal"]["Service"]) == {
        "lambda.amazonaws.com",
        "edgelambda.amazonaws.com",
    }
    assert props(resources, "EdgeAuthFunction")["Role"] == {"Fn::GetAtt": ["EdgeAuthRole", "Arn"]}


def test_the_edge_role_may_only_write_its_logs(resources: dict[str, Any]) -> None:
    granted = all_policy_statements(policies_of_role(resources, "EdgeAuthRole"))
    actions = {a for s in granted for a in as_list(s["Action"])}
    assert actions == {"logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"}
    groups = {r["Fn::Sub"].split(":log-group:")[1] for s in granted for r in s["Resource"]}
    assert groups == {
        "/aws/lambda/us-east-1.${EdgeAuthFunction}:*",
        "/aws/lambda/${EdgeAuthFunction}:*",
    }


def test_replicas_may_log_before_the_distribution_sends_them_requests(
    resources: dict[str, Any],
) -> None:
    assert {"EdgeAuthLogsPolicy", "EdgeAuthLogs"} <= set(resources["Distribution"]["DependsOn"])


def test_a_deleted_stack_leaves_the_replicated_edge_function_and_redeploys_beside_it(
    resources: dict[str, Any],
) -> None:
    """Lambda refuses to delete a function with CloudFront replicas for hours after the
    distribution is gone; kept, it must not hold a name the next stack of that name needs."""
    for name, resource in resources.items():
        if name == "EdgeAuthFunction" or name.startswith("EdgeAuthFunctionVersion"):
            assert resource["DeletionPolicy"] == "Retain", name
            assert resource["UpdateReplacePolicy"] == "Retain", name
    assert "FunctionName" not in props(resources, "EdgeAuthFunction")


def test_the_edge_config_resource_starts_from_the_sam_published_version(
    resources: dict[str, Any],
) -> None:
    version_ref = props(resources, "EdgeConfig")["FunctionVersionArn"]["Ref"]
    version = resources[version_ref]
    assert version["Type"] == "AWS::Lambda::Version"
    assert version["Properties"]["FunctionName"] == {"Ref": "EdgeAuthFunction"}


def test_the_edge_config_role_may_call_what_its_waiters_poll(resources: dict[str, Any]) -> None:
    """moto does not evaluate IAM: a waiter's operation missing here fails only on AWS."""
    waiters = botocore.session.get_session().get_waiter_model("lambda")
    polled = {
        f"lambda:{waiters.get_waiter(name).operation}"
        for name in ("FunctionUpdatedV2", "PublishedVersionActive")
    }
    granted = {
        action
        for s in all_policy_statements({"r": resources["EdgeConfigFunctionRole"]})
        for action in as_list(s["Action"])
    }
    assert polled <= granted


@pytest.mark.parametrize("prop", ["FunctionVersionArn", "Pools", "CookieName"])
def test_the_edge_config_resource_gets_every_input_it_renders(
    resources: dict[str, Any], prop: str
) -> None:
    """Any change to one of these must re-run the resource, so each must be a property."""
    assert prop in props(resources, "EdgeConfig")


def test_the_edge_config_resource_passes_only_what_it_renders_and_no_grant_key(
    resources: dict[str, Any],
) -> None:
    """Grants are checked by the CloudFront Function: no grant key or issuer goes to the
    Lambda@Edge config. Each property is one the handler reads, or ``EdgeFunctionSettings``
    (read by nobody: there to re-run the resource)."""
    assert set(props(resources, "EdgeConfig")) == {
        "ServiceToken",
        "ServiceTimeout",
        "FunctionVersionArn",
        "EdgeFunctionSettings",
        "Pools",
        "CookieName",
        "CorsAllowedOrigins",
        "ServiceName",
        "MetricsNamespace",
        "LogLevel",
    }


def test_the_edge_trusts_the_stack_s_own_user_pool_by_id_only(resources: dict[str, Any]) -> None:
    """The issuer is read from the deployed pool (DescribeUserPool), not built by hand."""
    [pool] = props(resources, "EdgeConfig")["Pools"]
    assert pool["UserPoolId"] == {"Ref": "UserPool"}
    assert set(pool) == {
        "UserPoolId",
        "ClientIds",
        "TokenUse",
        "RequiredGroups",
    }


def test_the_course_group_prefix_reaches_only_the_migration_s_output(
    resources: dict[str, Any], cfn: dict[str, Any]
) -> None:
    """Per-course groups are read nowhere: neither the edge nor the API gets the prefix."""
    assert cfn["Parameters"]["CourseGroupPrefix"]["Default"] == "course-"
    assert cfn["Outputs"]["CourseGroupPrefix"]["Value"] == {"Ref": "CourseGroupPrefix"}
    for name, resource in resources.items():
        assert "CourseGroupPrefix" not in json.dumps(resource.get("Properties", {})), name


def test_the_edge_config_function_may_describe_the_stack_s_pool_only(
    resources: dict[str, Any],
) -> None:
    statements = all_policy_statements({"r": resources["EdgeConfigFunctionRole"]})
    [describe] = [s for s in statements if "cognito-idp:DescribeUserPool" in as_list(s["Action"])]
    assert as_list(describe["Action"]) == ["cognito-idp:DescribeUserPool"]
    assert describe["Resource"] == {"Fn::GetAtt": ["UserPool", "Arn"]}


# --- the distribution ----------------------------------------------------------------------


def behaviors(resources: dict[str, Any]) -> list[dict[str, Any]]:
    config = props(resources, "Distribution")["DistributionConfig"]
    return [config["DefaultCacheBehavior"], *config.get("CacheBehaviors", [])]


def grant_behavior(resources: dict[str, Any]) -> dict[str, Any]:
    config = props(resources, "Distribution")["DistributionConfig"]
    [behavior] = [b for b in config["CacheBehaviors"] if b["PathPattern"] == "/g/*"]
    return behavior  # type: ignore[no-any-return]


def viewer_request_checks(behavior: dict[str, Any]) -> list[dict[str, Any]]:
    """The Lambda@Edge and CloudFront Function associations a viewer request runs."""
    return [
        association
        for association in [
            *behavior.get("LambdaFunctionAssociations", []),
            *behavior.get("FunctionAssociations", []),
        ]
        if association["EventType"] == "viewer-request"
    ]


def test_the_default_behavior_runs_the_configured_edge_version_on_viewer_request(
    resources: dict[str, Any],
) -> None:
    default = props(resources, "Distribution")["DistributionConfig"]["DefaultCacheBehavior"]
    [association] = viewer_request_checks(default)
    assert association["LambdaFunctionARN"] == {"Fn::GetAtt": ["EdgeConfig", "FunctionVersionArn"]}
    assert "FunctionAssociations" not in default


def test_grant_urls_are_checked_by_the_cloudfront_function_and_by_no_lambda_edge_function(
    resources: dict[str, Any],
) -> None:
    behavior = grant_behavior(resources)
    assert behavior["FunctionAssociations"] == [
        {
            "EventType": "viewer-request",
            "FunctionARN": {"Fn::GetAtt": ["GrantCheckFunction", "FunctionARN"]},
        }
    ]
    assert "LambdaFunctionAssociations" not in behavior


def test_every_behavior_checks_each_viewer_request_exactly_once(
    resources: dict[str, Any],
) -> None:
    """No path reaches the bucket unchecked; none pays for two checks."""
    for behavior in behaviors(resources):
        assert len(viewer_request_checks(behavior)) == 1, behavior.get("PathPattern", "default")


def test_the_only_other_behavior_is_the_grant_urls(resources: dict[str, Any]) -> None:
    config = props(resources, "Distribution")["DistributionConfig"]
    assert [b["PathPattern"] for b in config["CacheBehaviors"]] == ["/g/*"]


def test_grant_urls_read_the_same_origin_with_the_same_policies_as_the_default(
    resources: dict[str, Any],
) -> None:
    """The object is cached once for every viewer (the cache key holds the rewritten URI
    alone), and S3 gets the CORS headers it needs to answer a preflight, as on the default
    behavior."""
    behavior = grant_behavior(resources)
    default = props(resources, "Distribution")["DistributionConfig"]["DefaultCacheBehavior"]
    assert behavior["TargetOriginId"] == default["TargetOriginId"] == "content"
    assert behavior["AllowedMethods"] == ["GET", "HEAD", "OPTIONS"]
    assert behavior["CachedMethods"] == ["GET", "HEAD"]
    assert "ForwardedValues" not in behavior
    for policy in ("CachePolicyId", "OriginRequestPolicyId", "ResponseHeadersPolicyId"):
        assert behavior[policy] == default[policy]


def test_every_behavior_redirects_to_https_and_compresses(resources: dict[str, Any]) -> None:
    for behavior in behaviors(resources):
        assert behavior["ViewerProtocolPolicy"] == "redirect-to-https"
        assert behavior["Compress"] is True


def test_the_cache_key_never_includes_the_authorization_header(resources: dict[str, Any]) -> None:
    """CachingOptimized keys on nothing but the URL (and normalised Accept-Encoding)."""
    for behavior in behaviors(resources):
        assert behavior["CachePolicyId"] == {
            "Fn::FindInMap": ["ManagedPolicies", "CachePolicy", "CachingOptimized"]
        }
        assert "ForwardedValues" not in behavior
    mapping = source_template()["Mappings"]["ManagedPolicies"]["CachePolicy"]
    assert mapping["CachingOptimized"] == CACHING_OPTIMIZED


def test_the_content_origin_is_the_private_bucket_through_the_oac(
    resources: dict[str, Any],
) -> None:
    [origin] = props(resources, "Distribution")["DistributionConfig"]["Origins"]
    assert origin["DomainName"] == {"Fn::GetAtt": ["ContentBucket", "RegionalDomainName"]}
    assert origin["OriginAccessControlId"] == {"Fn::GetAtt": ["OriginAccessControl", "Id"]}
    assert origin["S3OriginConfig"] == {"OriginAccessIdentity": ""}  # no legacy OAI


def test_the_oac_signs_every_s3_request_with_sigv4(resources: dict[str, Any]) -> None:
    oac = resources["OriginAccessControl"]
    assert oac["Type"] == "AWS::CloudFormation::CustomResource"
    config = oac["Properties"]["OriginAccessControlConfig"]
    assert config["OriginAccessControlOriginType"] == "s3"
    assert config["SigningBehavior"] == "always"
    assert config["SigningProtocol"] == "sigv4"


def test_the_distribution_speaks_http2_http3_and_ipv6(resources: dict[str, Any]) -> None:
    config = props(resources, "Distribution")["DistributionConfig"]
    assert config["HttpVersion"] == "http2and3"
    assert config["IPV6Enabled"] is True
    assert config["PriceClass"] == {"Ref": "PriceClass"}


def test_a_custom_domain_requires_tls_1_2(resources: dict[str, Any]) -> None:
    certificate = props(resources, "Distribution")["DistributionConfig"]["ViewerCertificate"]
    custom = certificate["Fn::If"][1]
    assert custom["MinimumProtocolVersion"] == "TLSv1.2_2021"
    assert custom["SslSupportMethod"] == "sni-only"


@pytest.mark.parametrize("code", [403, 404])
def test_origin_misses_are_cached_only_briefly(resources: dict[str, Any], code: int) -> None:
    errors = props(resources, "Distribution")["DistributionConfig"]["CustomErrorResponses"]
    [entry] = [e for e in errors if e["ErrorCode"] == code]
    assert entry["ErrorCachingMinTTL"] <= 5
    assert "ResponsePagePath" not in entry


def test_the_response_headers_policy_sets_cors_and_security_headers(
    resources: dict[str, Any],
) -> None:
    policy = resources["ResponseHeadersPolicy"]
    assert policy["Type"] == "AWS::CloudFormation::CustomResource"
    config = policy["Properties"]["ResponseHeadersPolicyConfig"]
    assert config["CorsConfig"]["AccessControlAllowOrigins"] == {"Items": {"Ref": "AppOrigins"}}
    assert "authorization" in config["CorsConfig"]["AccessControlAllowHeaders"]["Items"]
    assert (
        config["SecurityHeadersConfig"]["StrictTransportSecurity"]["AccessControlMaxAgeSec"]
        >= 31536000
    )
    for behavior in behaviors(resources):
        assert behavior["ResponseHeadersPolicyId"] == {
            "Fn::GetAtt": ["ResponseHeadersPolicy", "Id"]
        }


def test_browsers_must_revalidate_content_through_the_edge(resources: dict[str, Any]) -> None:
    """A copy cached by the browser is not reused after sign-out without asking the edge."""
    config = resources["ResponseHeadersPolicy"]["Properties"]["ResponseHeadersPolicyConfig"]
    [header] = config["CustomHeadersConfig"]["Items"]
    assert header == {"Header": "Cache-Control", "Value": "private, no-cache", "Override": True}


def test_the_distribution_logs_to_the_logs_bucket(resources: dict[str, Any]) -> None:
    logging = props(resources, "Distribution")["DistributionConfig"]["Logging"]
    assert logging["Bucket"] == {"Fn::GetAtt": ["LogsBucket", "DomainName"]}
    ownership = props(resources, "LogsBucket")["OwnershipControls"]["Rules"][0]["ObjectOwnership"]
    assert ownership in {"BucketOwnerPreferred", "ObjectWriter"}  # CloudFront logging needs ACLs


# --- the content bucket --------------------------------------------------------------------


def test_the_logs_bucket_grants_s3_log_delivery_before_the_content_bucket_logs_to_it(
    resources: dict[str, Any],
) -> None:
    """Delivery is granted by bucket policy, not ACL, so that policy must exist first."""
    logging = props(resources, "ContentBucket")["LoggingConfiguration"]
    assert logging["DestinationBucketName"] == {"Ref": "LogsBucket"}
    assert resources["ContentBucket"]["DependsOn"] == "LogsBucketPolicy"
    policy = props(resources, "LogsBucketPolicy")
    assert policy["Bucket"] == {"Ref": "LogsBucket"}
    [delivery] = [
        s
        for s in statements(policy["PolicyDocument"])
        if s["Effect"] == "Allow" and s["Principal"] == {"Service": "logging.s3.amazonaws.com"}
    ]
    assert delivery["Action"] == "s3:PutObject"
    granted_prefix = delivery["Resource"]["Fn::Sub"].removeprefix("${LogsBucket.Arn}/")
    assert logging["LogFilePrefix"].startswith(granted_prefix.removesuffix("*"))
    assert delivery["Condition"]["StringEquals"] == {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}
    assert "AccessControl" not in props(resources, "LogsBucket")  # no log-delivery ACL grant


def test_the_content_bucket_blocks_every_kind_of_public_access(resources: dict[str, Any]) -> None:
    bucket = props(resources, "ContentBucket")
    assert bucket["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    assert bucket["OwnershipControls"]["Rules"] == [{"ObjectOwnership": "BucketOwnerEnforced"}]


def test_the_content_bucket_is_encrypted_versioned_and_tiered(resources: dict[str, Any]) -> None:
    bucket = props(resources, "ContentBucket")
    assert bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert bucket["VersioningConfiguration"] == {"Status": "Enabled"}
    rules = bucket["LifecycleConfiguration"]["Rules"]
    assert any("NoncurrentVersionExpiration" in r for r in rules)
    assert any(
        t["StorageClass"] == {"Ref": "ContentStorageClass"}
        for r in rules
        for t in r.get("Transitions", [])
    )


def test_only_this_distribution_may_read_the_content_bucket(resources: dict[str, Any]) -> None:
    policy = props(resources, "ContentBucketPolicy")
    assert policy["Bucket"] == {"Ref": "ContentBucket"}
    allows = [s for s in statements(policy["PolicyDocument"]) if s["Effect"] == "Allow"]
    [allow] = allows
    assert allow["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    assert allow["Action"] == "s3:GetObject"
    source_arn = allow["Condition"]["StringEquals"]["AWS:SourceArn"]["Fn::Sub"]
    assert source_arn.endswith(":distribution/${Distribution}")


def test_the_content_bucket_refuses_requests_without_tls(resources: dict[str, Any]) -> None:
    denies = [
        s
        for s in statements(props(resources, "ContentBucketPolicy")["PolicyDocument"])
        if s["Effect"] == "Deny"
    ]
    assert any(s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}} for s in denies)


# --- Cognito, catalog, API -----------------------------------------------------------------


def test_only_administrators_create_users_unless_the_parameter_allows(
    resources: dict[str, Any],
) -> None:
    pool = props(resources, "UserPool")
    assert pool["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] == {
        "Fn::If": ["SelfRegistration", False, True]
    }
    assert pool["UsernameAttributes"] == ["email"]
    assert pool["Policies"]["PasswordPolicy"]["MinimumLength"] >= 12


def test_the_web_client_has_no_secret_and_revokes_tokens(resources: dict[str, Any]) -> None:
    client = props(resources, "UserPoolClient")
    assert client["GenerateSecret"] is False
    assert client["EnableTokenRevocation"] is True


def test_the_content_group_name_is_a_parameter(resources: dict[str, Any]) -> None:
    assert props(resources, "ContentGroup")["GroupName"] == {"Ref": "ContentGroupName"}
    assert source_template()["Parameters"]["ContentGroupName"]["Default"] == "students"


def test_the_catalog_is_on_demand_recoverable_and_encrypted(resources: dict[str, Any]) -> None:
    table = props(resources, "CatalogTable")
    assert table["BillingMode"] == "PAY_PER_REQUEST"
    assert table["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
    assert table["SSESpecification"]["SSEEnabled"] is True
    [index] = table["GlobalSecondaryIndexes"]
    assert [k["AttributeName"] for k in index["KeySchema"]] == ["courseId", "position"]


#: The enrolment API's methods: AWS_IAM, never the Cognito authorizer, never open.
ENROLMENT_METHODS = {
    ("/enrolments/{courseId}/{learner}", "put"),
    ("/enrolments/{courseId}/{learner}", "delete"),
    ("/enrolments", "post"),
    ("/enrolments", "get"),
    ("/learners/{learner}/revoke", "post"),
}


def test_every_app_method_but_preflight_requires_the_cognito_authorizer(
    resources: dict[str, Any],
) -> None:
    body = props(resources, "ContentApi")["Body"]
    methods = [(path, verb, op) for path, ops in body["paths"].items() for verb, op in ops.items()]
    app = [(path, verb, op) for path, verb, op in methods if (path, verb) not in ENROLMENT_METHODS]
    assert {verb for _, verb, _ in app} == {"get", "post", "options"}
    for path, verb, op in app:
        if verb == "options":
            assert op["security"] == [{"NONE": []}], path
        else:
            assert op["security"] == [{"CognitoAuthorizer": []}], path
    authorizer = body["securityDefinitions"]["CognitoAuthorizer"]
    assert authorizer["x-amazon-apigateway-authtype"] == "cognito_user_pools"


def test_every_enrolment_method_requires_a_sigv4_signature_and_nothing_else_does(
    resources: dict[str, Any],
) -> None:
    body = props(resources, "ContentApi")["Body"]
    signed = {
        (path, verb)
        for path, ops in body["paths"].items()
        for verb, op in ops.items()
        if op["security"] == [{"AWS_IAM": []}]
    }
    assert signed == ENROLMENT_METHODS
    assert body["securityDefinitions"]["AWS_IAM"]["x-amazon-apigateway-authtype"] == "awsSigv4"
    for path, verb in ENROLMENT_METHODS:
        integration = body["paths"][path][verb]["x-amazon-apigateway-integration"]
        assert "EnrolmentFunction.Arn" in integration["uri"]["Fn::Sub"]
        # Not invoked with the caller's credentials: execute-api:Invoke is all a caller needs.
        assert "credentials" not in integration, (path, verb)


def test_the_output_policy_lets_a_backend_call_the_five_enrolment_methods_only(
    resources: dict[str, Any], cfn: dict[str, Any]
) -> None:
    assert cfn["Outputs"]["EnrolmentApiPolicyArn"]["Value"] == {"Ref": "EnrolmentApiAccessPolicy"}
    document = props(resources, "EnrolmentApiAccessPolicy")["PolicyDocument"]
    [statement] = statements(document)
    assert (statement["Effect"], statement["Action"]) == ("Allow", "execute-api:Invoke")
    prefix = "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${ContentApi}/v1"
    assert [r["Fn::Sub"] for r in statement["Resource"]] == [
        f"{prefix}/PUT/enrolments/*/*",
        f"{prefix}/DELETE/enrolments/*/*",
        f"{prefix}/POST/enrolments",
        f"{prefix}/GET/enrolments",
        f"{prefix}/POST/learners/*/revoke",
    ]


#: Revocations: an ETag-conditioned read and write of the grant store, nothing else of it.
GRANT_STORE_WRITES = {
    f"cloudfront-keyvaluestore:{action}": [{"Fn::GetAtt": ["GrantStore", "Arn"]}]
    for action in ("DescribeKeyValueStore", "GetKey", "UpdateKeys")
}


def test_the_enrolment_function_may_use_the_enrolment_table_and_read_the_course_list_only(
    resources: dict[str, Any],
) -> None:
    """No Cognito action; of the catalog, only the record that names the courses; of the grant
    store, what a revocation needs."""
    granted = granted_actions(resources, "EnrolmentFunction")
    table = {"Fn::GetAtt": ["EnrolmentTable", "Arn"]}
    writes = ("PutItem", "DeleteItem", "BatchWriteItem", "BatchGetItem", "UpdateItem")
    assert granted == {
        **{f"dynamodb:{action}": [table] for action in writes},
        "dynamodb:Query": [table, {"Fn::Sub": "${EnrolmentTable.Arn}/index/byCourse"}],
        "dynamodb:GetItem": [{"Fn::GetAtt": ["CatalogTable", "Arn"]}],
        **GRANT_STORE_WRITES,
    }
    [catalog] = [
        s
        for s in role_statements(resources, "EnrolmentFunction")
        if s["Action"] == "dynamodb:GetItem"
    ]
    assert catalog["Condition"] == {
        "ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["_courses"]}
    }


def test_the_enrolment_table_is_on_demand_recoverable_encrypted_and_kept(
    resources: dict[str, Any],
) -> None:
    assert resources["EnrolmentTable"]["DeletionPolicy"] == "RetainExceptOnCreate"
    table = props(resources, "EnrolmentTable")
    assert table["BillingMode"] == "PAY_PER_REQUEST"
    assert table["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
    assert table["SSESpecification"]["SSEEnabled"] is True
    assert [k["AttributeName"] for k in table["KeySchema"]] == ["learner", "courseId"]
    [index] = table["GlobalSecondaryIndexes"]
    assert [k["AttributeName"] for k in index["KeySchema"]] == ["courseId", "learner"]


def test_the_api_lists_the_courses_behind_the_cognito_authorizer(
    resources: dict[str, Any],
) -> None:
    paths = props(resources, "ContentApi")["Body"]["paths"]
    assert paths["/courses"]["get"]["security"] == [{"CognitoAuthorizer": []}]


def test_a_learner_revokes_their_own_grants_behind_the_cognito_authorizer(
    resources: dict[str, Any],
) -> None:
    paths = props(resources, "ContentApi")["Body"]["paths"]
    revoke = paths["/me/revoke"]
    assert revoke["post"]["security"] == [{"CognitoAuthorizer": []}]
    assert (
        "ContentDeliveryFunction.Arn"
        in revoke["post"]["x-amazon-apigateway-integration"]["uri"]["Fn::Sub"]
    )
    assert revoke["options"]["security"] == [{"NONE": []}]  # the browser's preflight


@pytest.mark.parametrize("function", ["ContentDeliveryFunction", "EnrolmentFunction"])
def test_the_functions_that_revoke_write_to_the_stack_s_grant_store(
    resources: dict[str, Any], function: str
) -> None:
    variables = props(resources, function)["Environment"]["Variables"]
    assert variables["GRANT_STORE_ARN"] == {"Fn::GetAtt": ["GrantStore", "Arn"]}


def test_content_delivery_applies_the_edge_s_groups_and_reads_the_enrolments(
    resources: dict[str, Any],
) -> None:
    variables = props(resources, "ContentDeliveryFunction")["Environment"]["Variables"]
    assert variables["ALL_ACCESS_GROUPS"] == {"Ref": "ContentGroup"}
    assert variables["ENROLMENT_TABLE"] == {"Ref": "EnrolmentTable"}
    [pool] = props(resources, "EdgeConfig")["Pools"]
    assert pool["RequiredGroups"] == [variables["ALL_ACCESS_GROUPS"]]


def test_the_account_logging_role_is_the_stack_s_by_default_or_the_account_s_by_choice(
    cfn: dict[str, Any],
) -> None:
    """Access logging fails on accounts without API Gateway's CloudWatch role; "create" keeps
    what stacks deployed before the parameter did, and works on a fresh account."""
    parameter = cfn["Parameters"]["ApiGatewayCloudWatchRole"]
    assert parameter["AllowedValues"] == ["create", "existing"]
    assert parameter["Default"] == "create"
    assert cfn["Conditions"]["SetsApiGatewayCloudWatchRole"] == {
        "Fn::Equals": [{"Ref": "ApiGatewayCloudWatchRole"}, "create"]
    }
    resources = cfn["Resources"]
    for name in ("ApiGatewayAccount", "ApiGatewayLoggingRole"):
        assert resources[name]["Condition"] == "SetsApiGatewayCloudWatchRole"
        # Kept when the stack is deleted or the parameter turns to "existing": the account
        # setting must never name a deleted role.
        assert resources[name]["DeletionPolicy"] == "Retain"
    account = props(resources, "ApiGatewayAccount")
    assert account["CloudWatchRoleArn"] == {"Fn::GetAtt": ["ApiGatewayLoggingRole", "Arn"]}


def test_the_api_stage_waits_for_the_account_logging_role_the_stack_sets(
    cfn: dict[str, Any],
) -> None:
    [(name, stage)] = resources_of_type(cfn, "AWS::ApiGateway::Stage").items()
    [tag] = [
        t for t in stage["Properties"]["Tags"] if t["Key"] == "private-content:api-gateway-account"
    ]
    assert tag["Value"] == {
        "Fn::If": ["SetsApiGatewayCloudWatchRole", {"Ref": "ApiGatewayAccount"}, "existing"]
    }
    assert "ApiGatewayAccount" in waits_for(cfn, name)


def test_the_account_setting_is_made_minutes_after_its_role_and_delays_nothing(
    cfn: dict[str, Any],
) -> None:
    """API Gateway refuses a role IAM has not made usable yet (aws-cdk #2194, #7140): the
    setting waits for the distribution, minutes to create, which the stage waits for anyway."""
    assert "Distribution" in as_list(cfn["Resources"]["ApiGatewayAccount"]["DependsOn"])
    without_the_setting = copy.deepcopy(cfn)
    [(name, stage)] = resources_of_type(without_the_setting, "AWS::ApiGateway::Stage").items()
    stage["Properties"].pop("Tags")
    assert "Distribution" in waits_for(without_the_setting, name)


def test_v1_is_the_api_s_only_stage(resources: dict[str, Any]) -> None:
    """SAM's extra "Stage" stage comes from a StageName on the deployment (SAM #191, #1202);
    it would serve the API without throttling or access logs."""
    [stage] = resources_of_type({"Resources": resources}, "AWS::ApiGateway::Stage").values()
    assert stage["Properties"]["StageName"] == "v1"
    [(deployment_name, deployment)] = resources_of_type(
        {"Resources": resources}, "AWS::ApiGateway::Deployment"
    ).items()
    assert "StageName" not in deployment["Properties"]
    assert stage["Properties"]["DeploymentId"] == {"Ref": deployment_name}
    assert stage["Properties"]["RestApiId"] == deployment["Properties"]["RestApiId"]


def test_the_api_stage_logs_access_and_throttles(resources: dict[str, Any]) -> None:
    [stage] = resources_of_type({"Resources": resources}, "AWS::ApiGateway::Stage").values()
    assert stage["Properties"]["AccessLogSetting"]["DestinationArn"]
    [settings] = stage["Properties"]["MethodSettings"]
    assert settings["ThrottlingRateLimit"] == {"Ref": "ApiThrottleRateLimit"}
    assert settings["ThrottlingBurstLimit"] == {"Ref": "ApiThrottleBurstLimit"}


def role_statements(resources: dict[str, Any], function: str) -> list[dict[str, Any]]:
    """The statements of a function's role's inline policies."""
    role = resources[props(resources, function)["Role"]["Fn::GetAtt"][0]]
    return [s for p in role["Properties"]["Policies"] for s in statements(p["PolicyDocument"])]


def granted_actions(resources: dict[str, Any], function: str) -> dict[str, list[Any]]:
    """Each action a function's role allows, with every resource it is allowed on."""
    granted: dict[str, list[Any]] = {}
    for statement in role_statements(resources, function):
        for action in as_list(statement["Action"]):
            granted.setdefault(action, []).extend(as_list(statement["Resource"]))
    return granted


def test_content_delivery_may_only_read_the_catalog_enrolments_and_grant_key_and_revoke(
    resources: dict[str, Any],
) -> None:
    catalog = {"Fn::GetAtt": ["CatalogTable", "Arn"]}
    enrolments = {"Fn::GetAtt": ["EnrolmentTable", "Arn"]}
    assert granted_actions(resources, "ContentDeliveryFunction") == {
        "dynamodb:GetItem": [catalog, enrolments],
        "dynamodb:Query": [{"Fn::Sub": "${CatalogTable.Arn}/index/byCourse"}, enrolments],
        "dynamodb:BatchGetItem": [catalog],
        "secretsmanager:GetSecretValue": [{"Fn::GetAtt": ["GrantKey", "SecretArn"]}],
        **GRANT_STORE_WRITES,
    }
    [titles] = [
        s
        for s in role_statements(resources, "ContentDeliveryFunction")
        if s["Action"] == "dynamodb:BatchGetItem"
    ]
    assert titles["Condition"] == {
        "ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["_course#*"]}
    }


# --- the grant key -------------------------------------------------------------------------


def test_content_delivery_signs_grants_with_the_stack_s_grant_key(
    resources: dict[str, Any],
) -> None:
    variables = props(resources, "ContentDeliveryFunction")["Environment"]["Variables"]
    assert variables["GRANT_SECRET_ID"] == {"Fn::GetAtt": ["GrantKey", "SecretArn"]}
    assert variables["GRANT_LIFETIME_SECONDS"] == {"Ref": "GrantLifetimeSeconds"}


def test_the_first_grant_key_goes_into_the_stack_s_grant_store(resources: dict[str, Any]) -> None:
    assert props(resources, "GrantKey")["StoreArn"] == {"Fn::GetAtt": ["GrantStore", "Arn"]}


def test_the_edge_config_holds_no_grant_key(resources: dict[str, Any]) -> None:
    """Grants are checked by the CloudFront Function against the grant store: no public key
    (nor anything else of the grant key) reaches the Lambda@Edge package."""
    assert "Grants" not in props(resources, "EdgeConfig")
    assert "GrantKey" not in json.dumps(props(resources, "EdgeConfig"))


def test_grant_urls_last_a_few_hours_by_default_and_never_beyond_what_grants_allow(
    cfn: dict[str, Any],
) -> None:
    lifetime = cfn["Parameters"]["GrantLifetimeSeconds"]
    assert lifetime["MinValue"] == MIN_GRANT_LIFETIME_SECONDS
    assert lifetime["MaxValue"] == MAX_LIFETIME_SECONDS
    assert 2 * 3600 <= lifetime["Default"] <= 8 * 3600


KEY_VALUE_STORE_ACTIONS = {
    "cloudfront-keyvaluestore:DescribeKeyValueStore",
    "cloudfront-keyvaluestore:GetKey",
    "cloudfront-keyvaluestore:ListKeys",
    "cloudfront-keyvaluestore:UpdateKeys",
}
GRANT_STORE = {"Fn::GetAtt": ["GrantStore", "Arn"]}


def test_the_grant_key_function_may_only_manage_its_own_secret_and_the_grant_store(
    cfn: dict[str, Any],
) -> None:
    """No GetSecretValue (it never reads a key back), only the secret name
    ``grant_key.resource.secret_name`` gives this stack, and the stack's grant store."""
    statements = all_policy_statements(policies_of_role(cfn["Resources"], "GrantKeyFunctionRole"))
    [secret] = [s for s in statements if s["Resource"] != GRANT_STORE]
    assert set(secret["Action"]) == {
        "secretsmanager:CreateSecret",
        "secretsmanager:PutSecretValue",
        "secretsmanager:DescribeSecret",
        "secretsmanager:TagResource",
        "secretsmanager:DeleteSecret",
    }
    granted = Resolver(cfn).resolve(secret["Resource"])
    prefix = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:"
    ours = secret_name(PSEUDO_PARAMETERS["AWS::StackId"])
    assert fnmatch.fnmatchcase(f"{prefix}{ours}-AbCdEf", granted)
    for other in ("private-content-2/grant-key-x-AbCdEf", "private-content/db-AbCdEf"):
        assert not fnmatch.fnmatchcase(f"{prefix}{other}", granted), other
    [store] = [s for s in statements if s["Resource"] == GRANT_STORE]
    assert set(store["Action"]) == KEY_VALUE_STORE_ACTIONS


def test_the_grant_key_schedule_may_only_write_the_grant_key_and_the_grant_store(
    resources: dict[str, Any],
) -> None:
    """It rotates: a new value into the one secret (never reading it), and the store."""
    assert granted_actions(resources, "GrantKeyScheduleFunction") == {
        "secretsmanager:PutSecretValue": [{"Fn::GetAtt": ["GrantKey", "SecretArn"]}],
        **{action: [GRANT_STORE] for action in KEY_VALUE_STORE_ACTIONS},
    }


def test_the_grant_key_schedule_acts_on_the_stack_s_secret_and_store(
    resources: dict[str, Any],
) -> None:
    variables = props(resources, "GrantKeyScheduleFunction")["Environment"]["Variables"]
    assert variables["GRANT_SECRET_ID"] == {"Fn::GetAtt": ["GrantKey", "SecretArn"]}
    assert variables["GRANT_STORE_ARN"] == GRANT_STORE
    assert props(resources, "GrantKeyScheduleFunction")["Handler"] == "grant_key.schedule.handler"


def test_the_grant_key_schedule_has_time_for_the_rotation_s_wait_and_its_calls(
    resources: dict[str, Any],
) -> None:
    assert props(resources, "GrantKeyScheduleFunction")["Timeout"] >= 2 * KEY_PROPAGATION_SECONDS


def schedules(resources: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The EventBridge rules invoking the schedule function, by their input's action."""
    target = {"Fn::GetAtt": ["GrantKeyScheduleFunction", "Arn"]}
    found = {}
    for rule in resources_of_type({"Resources": resources}, "AWS::Events::Rule").values():
        [invoked] = rule["Properties"]["Targets"]
        assert invoked["Arn"] == target
        found[json.loads(invoked["Input"])["action"]] = rule["Properties"]
    return found


def test_the_grant_key_rotates_every_rotation_days_and_the_store_is_cleaned_up_hourly(
    resources: dict[str, Any],
) -> None:
    rules = schedules(resources)
    assert set(rules) == {ROTATE, CLEAN_UP}
    assert rules[ROTATE]["ScheduleExpression"] == {"Fn::Sub": "rate(${GrantKeyRotationDays} days)"}
    assert rules[CLEAN_UP]["ScheduleExpression"] == "rate(1 hour)"
    for rule in rules.values():
        assert rule.get("State", "ENABLED") == "ENABLED"
        assert action_of(json.loads(rule["Targets"][0]["Input"])) in (ROTATE, CLEAN_UP)


def test_the_rotation_interval_is_a_parameter_rate_can_say_in_days(cfn: dict[str, Any]) -> None:
    """EventBridge's rate() takes "1 day" but "<n> days" for more: the bound keeps n >= 2."""
    days = cfn["Parameters"]["GrantKeyRotationDays"]
    assert (days["MinValue"], days["MaxValue"], days["Default"]) == (2, 365, 30)


def test_even_the_shortest_rotation_interval_outlasts_the_previous_key(cfn: dict[str, Any]) -> None:
    """A rotation keeps the key it demotes VERIFY_FOR_SECONDS, a day and some minutes: the next
    rotation finds it past its notAfter and retires it, so the store holds one previous key at
    most."""
    shortest = cfn["Parameters"]["GrantKeyRotationDays"]["MinValue"] * 86400
    assert shortest > VERIFY_FOR_SECONDS


def test_the_schedule_events_use_only_properties_sam_has_had_since_2016() -> None:
    """SAR translates with an older SAM: Schedule and Input only."""
    events = source_template()["Resources"]["GrantKeyScheduleFunction"]["Properties"]["Events"]
    for event in events.values():
        assert event["Type"] == "Schedule"
        assert set(event["Properties"]) == {"Schedule", "Input"}


def test_only_content_delivery_may_read_a_secret(resources: dict[str, Any]) -> None:
    role = props(resources, "ContentDeliveryFunction")["Role"]["Fn::GetAtt"][0]
    readers = {
        name
        for name, resource in resources.items()
        if resource["Type"] == "AWS::IAM::Role"
        for policy in resource["Properties"].get("Policies", [])
        for s in statements(policy["PolicyDocument"])
        if "secretsmanager:GetSecretValue" in as_list(s["Action"])
    }
    assert readers == {role}


# --- guard rails and operations ----------------------------------------------------------


def test_the_stack_refuses_every_region_but_us_east_1(cfn: dict[str, Any]) -> None:
    [assertion] = cfn["Rules"]["DeployInUsEast1"]["Assertions"]
    assert assertion["Assert"] == {"Fn::Equals": [{"Ref": "AWS::Region"}, "us-east-1"]}


def test_no_policy_allows_a_wildcard_action(resources: dict[str, Any]) -> None:
    for statement in all_policy_statements(resources):
        if statement["Effect"] == "Allow":
            for action in as_list(statement["Action"]):
                assert "*" not in action, statement


@pytest.mark.parametrize("function", REGIONAL_FUNCTIONS)
def test_regional_functions_carry_powertools_settings_and_tracing(
    resources: dict[str, Any], function: str
) -> None:
    properties = props(resources, function)
    variables = properties["Environment"]["Variables"]
    powertools = {"POWERTOOLS_SERVICE_NAME", "POWERTOOLS_METRICS_NAMESPACE", "POWERTOOLS_LOG_LEVEL"}
    assert powertools <= set(variables)
    assert properties["TracingConfig"] == {"Mode": "Active"}


@pytest.mark.parametrize("function", FUNCTIONS)
def test_every_function_s_log_group_is_kept_with_the_stack_s_retention(
    resources: dict[str, Any], function: str
) -> None:
    kept = log_retention_of(resources, function)
    assert kept["ServiceToken"] == {"Fn::GetAtt": ["LogRetentionFunction", "Arn"]}
    assert kept["RetentionInDays"] == {"Ref": "LogRetentionDays"}


def test_the_stack_owns_no_log_group_a_function_could_re_create(cfn: dict[str, Any]) -> None:
    """A deleted AWS::Logs::LogGroup that something re-creates fails the next create of a
    stack of the same name; only the API's access log group (written by API Gateway only
    while its stage exists) is one."""
    owned = resources_of_type(cfn, "AWS::Logs::LogGroup")
    assert set(owned) == {"ApiAccessLogGroup"}
    assert owned["ApiAccessLogGroup"]["Properties"]["RetentionInDays"] == {
        "Ref": "LogRetentionDays"
    }


def test_log_retention_may_set_exactly_the_groups_it_keeps(cfn: dict[str, Any]) -> None:
    resolver = Resolver(cfn)
    kept = {
        resolver.resolve(r["Properties"]["LogGroupName"])
        for r in cfn["Resources"].values()
        if r.get("Properties", {}).get("ServiceToken")
        == {"Fn::GetAtt": ["LogRetentionFunction", "Arn"]}
    }
    granted = all_policy_statements(policies_of_role(cfn["Resources"], "LogRetentionFunctionRole"))
    for statement in granted:
        assert set(statement["Action"]) == {"logs:CreateLogGroup", "logs:PutRetentionPolicy"}
    arns = {resolver.resolve(r) for statement in granted for r in statement["Resource"]}
    prefix = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:"
    assert arns == {f"{prefix}{name}{suffix}" for name in kept for suffix in ("", ":*")}


@pytest.mark.parametrize(
    ("resource", "function"),
    [
        ("ResponseHeadersPolicy", "CloudFrontResourcesFunction"),
        ("OriginAccessControl", "CloudFrontResourcesFunction"),
        ("EdgeConfig", "EdgeConfigFunction"),
        ("GrantKey", "GrantKeyFunction"),
    ],
)
def test_a_function_that_runs_during_the_deploy_logs_to_a_group_already_kept(
    resources: dict[str, Any], resource: str, function: str
) -> None:
    """Its group exists with the stack's retention before its first invocation, so not even a
    failed first deploy leaves a group that never expires."""
    group = {"Fn::Sub": f"/aws/lambda/${{{function}}}"}
    [kept] = [
        n for n, r in resources.items() if r.get("Properties", {}).get("LogGroupName") == group
    ]
    assert kept in as_list(resources[resource]["DependsOn"])


@pytest.mark.parametrize("resource", ["LogRetentionLogs", "ContentDeliveryLogs"])
def test_a_log_group_granted_by_a_policy_of_its_own_is_kept_only_once_that_policy_exists(
    resources: dict[str, Any], resource: str
) -> None:
    group = props(resources, resource)["LogGroupName"]
    [policy] = [
        name
        for name, r in resources_of_type({"Resources": resources}, "AWS::IAM::Policy").items()
        if any(
            group["Fn::Sub"] in str(arn)
            for s in statements(r["Properties"]["PolicyDocument"])
            for arn in s["Resource"]
        )
    ]
    assert policy in as_list(resources[resource]["DependsOn"])


@pytest.mark.parametrize(
    ("namespace", "metric"),
    [
        ("AWS/ApiGateway", "5XXError"),
        ("AWS/Lambda", "Errors"),
        ("AWS/CloudFront", "5xxErrorRate"),
        ("AWS/CloudFront", "4xxErrorRate"),
    ],
)
def test_operations_are_alarmed(resources: dict[str, Any], namespace: str, metric: str) -> None:
    alarms = resources_of_type({"Resources": resources}, "AWS::CloudWatch::Alarm").values()
    assert any(
        a["Properties"]["Namespace"] == namespace and a["Properties"]["MetricName"] == metric
        for a in alarms
    )


@pytest.mark.parametrize(
    "output",
    [
        "DistributionDomainName",
        "ApiUrl",
        "UserPoolId",
        "UserPoolClientId",
        "ManagedLoginUrl",
        "AppOriginList",
        "ContentBucketName",
        "CatalogTableName",
        "GrantStoreArn",
    ],
)
def test_the_stack_outputs_what_clients_and_operators_need(
    cfn: dict[str, Any], output: str
) -> None:
    assert output in cfn["Outputs"]


# --- Serverless Application Repository -----------------------------------------------------


def test_every_resource_type_is_one_sar_accepts(cfn: dict[str, Any]) -> None:
    used = {r["Type"] for r in cfn["Resources"].values()}
    assert used <= SAR_SUPPORTED, used - SAR_SUPPORTED


# The AWS::Serverless::* properties the template may use: ones whose SAR acceptance is not in
# doubt. SAR checks these types' properties with its own, older copy of the SAM translator
# ("property X not defined for resource of type AWS::Serverless::Function", the translator's
# message), and has refused properties SAM added from 2021 on: Architectures given by a Ref
# (serverless-application-model #2168), FunctionUrlConfig (#2421), SnapStart (aws-sam-cli
# #4531), an SQS event's ScalingConfig (aws-sam-cli #6127). Everything here is older; left out
# on purpose: Architectures (x86_64 is the default), LoggingConfig (2023),
# AutoPublishAliasAllProperties (2023).
SAR_KNOWN_SAM_PROPERTIES = {
    "AWS::Serverless::Function": {
        "AutoPublishAlias",
        "CodeUri",
        "Description",
        "Environment",
        "Events",
        "Handler",
        "MemorySize",
        "Policies",
        "Role",
        "Runtime",
        "Timeout",
        "Tracing",
    },
    "AWS::Serverless::Api": {
        "AccessLogSetting",
        "Auth",
        "GatewayResponses",
        "MethodSettings",
        "Name",
        "OpenApiVersion",
        "StageName",
        "Tags",
        "TracingEnabled",
    },
}


def test_every_sam_property_is_one_sar_s_translator_knows() -> None:
    template = source_template()
    used = [
        (r["Type"], set(r["Properties"]))
        for r in template["Resources"].values()
        if r["Type"].startswith("AWS::Serverless::")
    ]
    used += [("AWS::Serverless::Function", set(template["Globals"]["Function"]))]
    for type_name, properties in used:
        assert properties <= SAR_KNOWN_SAM_PROPERTIES[type_name], (
            properties - SAR_KNOWN_SAM_PROPERTIES[type_name]
        )


def test_sar_metadata_has_every_field_sam_publish_needs() -> None:
    app = source_template()["Metadata"]["AWS::ServerlessRepo::Application"]
    assert re.fullmatch(r"[a-zA-Z0-9-]{1,140}", app["Name"])
    assert 0 < len(app["Description"]) <= 256
    assert re.fullmatch(r"[a-z0-9-]{1,127}", app["Author"])
    assert re.fullmatch(r"\d+\.\d+\.\d+", app["SemanticVersion"])
    assert app["SpdxLicenseId"] == "MIT"
    assert 0 < len(app["Labels"]) <= 10
    assert app["SourceCodeUrl"].startswith("https://")
    for local_file in (app["LicenseUrl"], app["ReadmeUrl"]):
        assert (ROOT / local_file).is_file()
    assert "MIT License" in Path(ROOT / app["LicenseUrl"]).read_text()


def test_the_template_uses_no_yaml_anchors_or_aliases_which_cloudformation_does_not_read() -> None:
    events = list(yaml.parse((ROOT / "template.yaml").read_text(encoding="utf-8")))
    aliases = [e for e in events if isinstance(e, yaml.AliasEvent)]
    anchors = [e for e in events if getattr(e, "anchor", None)]
    assert (aliases, anchors) == ([], [])
