"""AWS: the names the kit creates (an AWS target, the Route 53 backend) and the commercial regions.

Autonaming: pulumi-aws gives every resource with a ``name`` input ``<logical>-<7 random hex>``, capped at
255 characters (pulumi-aws provider/autonaming.go, ``tfbridge.AutoName(name, 255, "-")``); a few types set
their own cap in provider/resources.go (below). Above the cap the Terraform bridge refuses at preview
("name '...' plus 7 random chars is longer than maximum length 32").
"""

from __future__ import annotations

from failoverkit.catalog._rules import Autoname, NameRule, PlannedName, planned, verbatim

_GENERIC = Autoname(7, "-", 255, "pulumi-aws provider/autonaming.go: every `name` input, AutoName(name, 255, '-')")

LOAD_BALANCER = NameRule(
    what="Application Load Balancer",
    type="aws:lb/loadBalancer:LoadBalancer",
    prop="name",
    min_length=1,
    max_length=32,
    pattern=r"(?!internal-)[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?",
    allowed="letters, digits and '-', not starting or ending with '-' nor starting with 'internal-'",
    unique="account and region",
    source="ELBv2 API Reference, CreateLoadBalancer (Name); pulumi_aws lb.LoadBalancer docstring",
    autoname=Autoname(7, "-", 32, "pulumi-aws provider/resources.go: aws_lb name, max 32"),
)
TARGET_GROUP = NameRule(
    what="target group",
    type="aws:lb/targetGroup:TargetGroup",
    prop="name",
    min_length=1,
    max_length=32,
    pattern=r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?",
    allowed="letters, digits and '-', not starting or ending with '-'",
    unique="account and region",
    source="ELBv2 API Reference, CreateTargetGroup (Name); pulumi_aws lb.TargetGroup docstring",
    autoname=Autoname(7, "-", 32, "pulumi-aws provider/resources.go: aws_lb_target_group AutoName('name', 32, '-')"),
)
IAM_ROLE = NameRule(
    what="IAM role",
    type="aws:iam/role:Role",
    prop="name",
    min_length=1,
    max_length=64,
    pattern=r"[A-Za-z0-9+=,.@_-]+",
    allowed="letters, digits and +=,.@_-",
    unique="account (IAM is global: every region's role shares one namespace)",
    source="IAM User Guide, IAM identifiers and IAM quotas: role names up to 64 characters",
    autoname=Autoname(7, "-", 64, "pulumi-aws provider/resources.go: aws_iam_role AutoName('name', 64, '-')"),
)
SECURITY_GROUP = NameRule(
    what="security group",
    type="aws:ec2/securityGroup:SecurityGroup",
    prop="name",
    min_length=1,
    max_length=255,
    pattern=r"(?!sg-)[A-Za-z0-9 ._\-:/()#,@\[\]+=&;{}!$*]+",
    allowed="letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*, not starting with 'sg-'",
    unique="VPC",
    source="Amazon EC2 API Reference, CreateSecurityGroup (GroupName)",
    autoname=_GENERIC,
)
LOG_GROUP = NameRule(
    what="CloudWatch log group",
    type="aws:cloudwatch/logGroup:LogGroup",
    prop="name",
    min_length=1,
    max_length=512,
    pattern=r"[A-Za-z0-9._/#-]+",
    allowed="letters, digits and ._-/#",
    unique="account and region",
    source="CloudWatch Logs API Reference, CreateLogGroup (logGroupName)",
    autoname=_GENERIC,
)
ECS_CLUSTER = NameRule(
    what="ECS cluster",
    type="aws:ecs/cluster:Cluster",
    prop="name",
    min_length=1,
    max_length=255,
    pattern=r"[A-Za-z0-9_-]+",
    allowed="letters, digits, '-' and '_'",
    unique="account and region",
    source="pulumi_aws ecs.Cluster docstring (up to 255 letters, numbers, hyphens, and underscores)",
    autoname=_GENERIC,
)
ECS_SERVICE = NameRule(
    what="ECS service",
    type="aws:ecs/service:Service",
    prop="name",
    min_length=1,
    max_length=255,
    pattern=r"[A-Za-z0-9_-]+",
    allowed="letters, digits, '-' and '_'",
    unique="cluster",
    source="pulumi_aws ecs.Service docstring (up to 255 letters, numbers, hyphens, and underscores)",
    autoname=_GENERIC,
)
TASK_FAMILY = NameRule(
    what="ECS task definition family",
    type="aws:ecs/taskDefinition:TaskDefinition",
    prop="family",
    min_length=1,
    max_length=255,
    pattern=r"[A-Za-z0-9_-]+",
    allowed="letters, digits, '-' and '_'",
    unique="account and region",
    source="Amazon ECS API Reference, RegisterTaskDefinition (family)",
)
SCALING_POLICY = NameRule(
    what="Application Auto Scaling policy",
    type="aws:appautoscaling/policy:Policy",
    prop="name",
    min_length=1,
    max_length=255,  # the API takes 256; the provider's own check (the docstring's) stops at 255
    pattern=r"[\x20-\x7e]+",
    allowed="printable ASCII characters",
    unique="scalable target",
    source="Application Auto Scaling API Reference, PutScalingPolicy (PolicyName: 1-256, \\p{Print}+); "
    "pulumi_aws appautoscaling.Policy docstring (between 1 and 255 characters)",
    autoname=_GENERIC,
)
ROLE_POLICY = NameRule(
    what="IAM inline role policy",
    type="aws:iam/rolePolicy:RolePolicy",
    prop="name",
    min_length=1,
    max_length=128,
    pattern=r"[A-Za-z0-9_+=,.@-]+",
    allowed="letters, digits and _+=,.@-",
    unique="role",
    source="IAM API Reference, PutRolePolicy (PolicyName: 1-128 characters, [\\w+=,.@-]+)",
    autoname=_GENERIC,
)
ROUTE53_SET_IDENTIFIER = NameRule(
    what="Route 53 record set identifier",
    type="aws:route53/record:Record",
    prop="setIdentifier",
    min_length=1,
    max_length=128,
    pattern=r"[^\x00-\x1f]+",
    allowed="printable characters",
    unique="record name and type",
    source="Route 53 API Reference, ResourceRecordSet (SetIdentifier: 1-128 characters)",
)
# Route 53 health checks take no name: their Name tag is free-form (tag values up to 256 characters).

RULES = (
    LOAD_BALANCER,
    TARGET_GROUP,
    IAM_ROLE,
    SECURITY_GROUP,
    LOG_GROUP,
    ECS_CLUSTER,
    ECS_SERVICE,
    TASK_FAMILY,
    SCALING_POLICY,
    ROLE_POLICY,
    ROUTE53_SET_IDENTIFIER,
)

REGIONS_SOURCE = "pulumi-aws 7.51.1 Region enum (pulumi_aws/_enums.py), partition aws only"
REGIONS_DATE = "2026-12-02"
REGIONS = frozenset(
    {
        "af-south-1",
        "ap-east-1",
        "ap-east-2",
        "ap-northeast-1",
        "ap-northeast-2",
        "ap-northeast-3",
        "ap-south-1",
        "ap-south-2",
        "ap-southeast-1",
        "ap-southeast-2",
        "ap-southeast-3",
        "ap-southeast-4",
        "ap-southeast-5",
        "ap-southeast-6",
        "ap-southeast-7",
        "ca-central-1",
        "ca-west-1",
        "eu-central-1",
        "eu-central-2",
        "eu-north-1",
        "eu-south-1",
        "eu-south-2",
        "eu-west-1",
        "eu-west-2",
        "eu-west-3",
        "il-central-1",
        "me-central-1",
        "me-south-1",
        "mx-central-1",
        "sa-east-1",
        "us-east-1",
        "us-east-2",
        "us-west-1",
        "us-west-2",
    }
)
"""Commercial regions (partition ``aws``). China, GovCloud, ISO and the European Sovereign Cloud are other
partitions with their own accounts: use ``allowUnknownRegion: true`` on such a target."""


def target_names(app: str, key: str, scope: str, *, port: int = 0, vpc_id: str | None = None) -> dict[str, PlannedName]:
    """Physical names of an AWS target's named children, by role (``{app}-{key}-{role}`` logical names)."""
    inputs = ("app.name", "region")

    def child(role: str, rule: NameRule, replace_on: tuple[str, ...] = ()) -> PlannedName:
        return planned(rule, f"{app}-{key}-{role}", scope, inputs, replace_on)

    return {
        "alb": child("alb", LOAD_BALANCER),
        # A new port or VPC replaces the target group: a new name lets it exist beside the old one meanwhile.
        "tg": child("tg", TARGET_GROUP, (str(port), vpc_id or "")),
        "alb-sg": child("alb-sg", SECURITY_GROUP),
        "task-sg": child("task-sg", SECURITY_GROUP),
        "logs": child("logs", LOG_GROUP),
        "execution-role": child("execution-role", IAM_ROLE),
        "cluster": child("cluster", ECS_CLUSTER),
        "service": child("service", ECS_SERVICE),
        "task": verbatim(TASK_FAMILY, f"{app}-{key}-task", inputs),
    }


def route53_names(key: str) -> dict[str, PlannedName]:
    """The Route 53 backend's named pieces for one target: its failover records' set identifiers."""
    return {role: verbatim(ROUTE53_SET_IDENTIFIER, f"{key}-{role}", ("region",)) for role in ("primary", "secondary")}
