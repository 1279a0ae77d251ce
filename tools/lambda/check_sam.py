"""Translates a SAM template with samtranslator (what CloudFormation's SAM transform does) and
writes the CloudFormation JSON for cfn-lint: cfn-lint alone no longer runs the transform.

    check_sam.py template.yaml out.json

Local CodeUri values must name existing files; they are replaced by an S3 URI first, as
`sam package` does after uploading. Offline: the managed-policy lookup is answered locally.
"""
import json
import os
import sys

os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")

from cfnlint.decode import decode_str  # noqa: E402
from samtranslator.translator.transform import transform  # noqa: E402


class LocalPolicies:
    """The managed policies SAM attaches to function roles (no IAM call)."""

    def load(self):
        return {"AWSLambdaBasicExecutionRole": "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"}


def inline_definition(resource):
    """SAM writes an inline state machine Definition as DefinitionString: Fn::Join of its JSON lines,
    which cfn-lint cannot look into. The same definition as a Definition object is checked against
    the Amazon States Language schema."""
    props = resource.get("Properties", {})
    joined = props.get("DefinitionString", {})
    if resource.get("Type") != "AWS::StepFunctions::StateMachine" or not isinstance(joined, dict):
        return
    separator, lines = joined.get("Fn::Join", [None, None])
    if isinstance(lines, list) and all(isinstance(line, str) for line in lines):
        props["Definition"] = json.loads(separator.join(lines))
        del props["DefinitionString"]


def main(template_path, out_path):
    with open(template_path, encoding="utf-8") as f:
        template, problems = decode_str(f.read())
    if problems:
        sys.exit(f"{template_path}: not a valid template: {problems}")
    folder = os.path.dirname(os.path.abspath(template_path))
    for name, resource in template.get("Resources", {}).items():
        code = resource.get("Properties", {}).get("CodeUri")
        if resource.get("Type") == "AWS::Serverless::Function" and isinstance(code, str) and not code.startswith("s3://"):
            if not os.path.isfile(os.path.join(folder, code)):
                sys.exit(f"{template_path}: {name} CodeUri '{code}' does not exist beside the template")
            resource["Properties"]["CodeUri"] = f"s3://deployment-bucket/{os.path.basename(code)}"
    translated = transform(template, {}, LocalPolicies())
    for resource in translated["Resources"].values():
        inline_definition(resource)
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(translated, f, indent=1)
    print(" ".join(sorted({r["Type"] for r in translated["Resources"].values()})))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
