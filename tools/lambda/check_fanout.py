"""The fan-out state machine of a template written by `onnxfn package --fanout`: checks what
cfn-lint does not, then renders the event one Map item sends to the function.

    check_fanout.py template.yaml --key KEY [--execution NAME] [--param Name=Value ...]

Checks: a Distributed Map reading s3:listObjectsV2 on the template's InputBucket/InputPrefix
parameters, MaxConcurrency 1-10000, ToleratedFailurePercentage 0, retries with backoff on Lambda
throttling and service errors and on onnxfn's partial jobs, a task invoking the template's own
function, and the policies each side needs. Then the definition's substitutions are filled in
with the parameters' values (--param, else their Default) and the item {"Key": KEY, ...} goes
through the Map's ItemSelector and the task's Parameters (paths, the context object and
States.Format, as Step Functions evaluates them): the Lambda payload is printed as JSON.
"""
import argparse
import json
import re
import sys

from cfnlint.decode import decode_str


def fail(message):
    sys.exit(f"check_fanout: {message}")


def path_value(path, data, context):
    """A reference path ($.a.b or $$.a.b) against the state input or the context object."""
    if path.startswith("$$"):
        value, rest = context, path[2:]
    elif path.startswith("$"):
        value, rest = data, path[1:]
    else:
        fail(f"not a path: {path}")
    for part in filter(None, rest.split(".")):
        if not isinstance(value, dict) or part not in value:
            fail(f"path {path}: no '{part}'")
        value = value[part]
    return value


def split_arguments(text):
    """The comma-separated arguments of an intrinsic function (quoted strings may hold commas)."""
    args, current, quoted, escaped = [], "", False, False
    for c in text:
        if escaped:
            current += c
            escaped = False
        elif c == "\\":
            current += c
            escaped = True
        elif c == "'":
            quoted = not quoted
            current += c
        elif c == "," and not quoted:
            args.append(current.strip())
            current = ""
        else:
            current += c
    args.append(current.strip())
    return args


def unescape(literal):
    return re.sub(r"\\(.)", r"\1", literal)


def evaluate(expression, data, context):
    match = re.fullmatch(r"States\.Format\((.*)\)", expression, re.S)
    if not match:
        return path_value(expression, data, context)
    args = split_arguments(match.group(1))
    template = args[0]
    if not (template.startswith("'") and template.endswith("'")):
        fail(f"States.Format: the template must be a quoted string: {template}")
    values = [path_value(a, data, context) if a.startswith("$") else unescape(a.strip("'")) for a in args[1:]]
    pieces = re.split(r"(?<!\\)\{\}", template[1:-1])
    if len(pieces) != len(values) + 1:
        fail(f"States.Format: {len(pieces) - 1} placeholders for {len(values)} arguments in {expression}")
    out = unescape(pieces[0])
    for value, piece in zip(values, pieces[1:]):
        if isinstance(value, (dict, list)):
            fail(f"States.Format: argument is not a scalar in {expression}")
        out += (json.dumps(value) if isinstance(value, bool) else str(value)) + unescape(piece)
    return out


def render(template, data, context):
    """A payload template: keys ending in .$ take the value of their path or intrinsic function."""
    if isinstance(template, dict):
        out = {}
        for key, value in template.items():
            if key.endswith(".$"):
                out[key[:-2]] = evaluate(value, data, context)
            else:
                out[key] = render(value, data, context)
        return out
    if isinstance(template, list):
        return [render(v, data, context) for v in template]
    return template


def substitute(node, values):
    if isinstance(node, dict):
        return {k: substitute(v, values) for k, v in node.items()}
    if isinstance(node, list):
        return [substitute(v, values) for v in node]
    if isinstance(node, str):
        def one(match):
            if match.group(1) not in values:
                fail(f"definition: ${{{match.group(1)}}} is not in DefinitionSubstitutions")
            return values[match.group(1)]
        return re.sub(r"\$\{([A-Za-z0-9_]+)\}", one, node)
    return node


def policy_names(policies):
    return [next(iter(p)) for p in policies if isinstance(p, dict)]


def check(template):
    resources = template.get("Resources", {})
    machines = [(n, r) for n, r in resources.items() if r.get("Type") == "AWS::Serverless::StateMachine"]
    if len(machines) != 1:
        fail(f"expected one AWS::Serverless::StateMachine, found {len(machines)}")
    name, machine = machines[0]
    props = machine["Properties"]
    definition = props["Definition"]
    maps = [s for s in definition["States"].values() if s.get("Type") == "Map"]
    if len(maps) != 1:
        fail("expected one Map state")
    m = maps[0]
    if m.get("ItemProcessor", {}).get("ProcessorConfig", {}).get("Mode") != "DISTRIBUTED":
        fail("the Map is not a Distributed Map")
    reader = m.get("ItemReader", {})
    if reader.get("Resource") != "arn:aws:states:::s3:listObjectsV2":
        fail("the Map does not list an S3 prefix (ItemReader s3:listObjectsV2)")
    if reader.get("Parameters") != {"Bucket": "${InputBucket}", "Prefix": "${InputPrefix}"}:
        fail("the ItemReader does not list the InputBucket/InputPrefix parameters")
    if not 1 <= m.get("MaxConcurrency", 0) <= 10000:
        fail(f"MaxConcurrency {m.get('MaxConcurrency')}: a Distributed Map runs 1 to 10000 children at once")
    if m.get("ToleratedFailurePercentage") != 0:
        fail("ToleratedFailurePercentage must be 0: a failed shard fails the run")
    tasks = [s for s in m["ItemProcessor"]["States"].values() if s.get("Type") == "Task"]
    if len(tasks) != 1 or tasks[0].get("Resource") != "arn:aws:states:::lambda:invoke":
        fail("the Map's processor must be one lambda:invoke task")
    task = tasks[0]
    fn = props.get("DefinitionSubstitutions", {}).get(task["Parameters"].get("FunctionName", "").strip("${}"))
    if fn != {"Fn::GetAtt": ["ModelFunction", "Arn"]}:
        fail(f"the task does not invoke the template's ModelFunction: {fn}")
    retried = {}
    for r in task.get("Retry", []):
        for e in r["ErrorEquals"]:
            retried[e] = r
    for error in ("Lambda.TooManyRequestsException", "Lambda.ServiceException", "onnxfn.ResourceLimit"):
        r = retried.get(error)
        if not r or r.get("MaxAttempts", 3) < 2 or r.get("BackoffRate", 2.0) <= 1.0:
            fail(f"no retry with backoff on {error}")
    machine_policies = policy_names(props.get("Policies", []))
    for p in ("S3ReadPolicy", "LambdaInvokePolicy", "S3CrudPolicy", "Statement"):
        if p not in machine_policies:
            fail(f"the state machine lacks {p}")
    function_policies = policy_names(resources["ModelFunction"]["Properties"].get("Policies", []))
    if "S3ReadPolicy" not in function_policies or "S3CrudPolicy" not in function_policies:
        fail("the function cannot read its inputs and write its outputs (S3ReadPolicy, S3CrudPolicy)")
    return props, m, task


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("template")
    parser.add_argument("--key", required=True)
    parser.add_argument("--execution", default="nightly-2026-12-07")
    parser.add_argument("--param", action="append", default=[])
    args = parser.parse_args()
    with open(args.template, encoding="utf-8") as f:
        template, problems = decode_str(f.read())
    if problems:
        fail(f"{args.template}: not a valid template: {problems}")
    props, _, _ = check(template)
    parameters = {k: v.get("Default") for k, v in template.get("Parameters", {}).items()}
    for p in args.param:
        k, _, v = p.partition("=")
        if k not in parameters:
            fail(f"--param {k}: the template has no such parameter")
        parameters[k] = v
    for k, v in parameters.items():
        pattern = template["Parameters"][k].get("AllowedPattern")
        if v is None:
            fail(f"parameter {k} has no value (--param {k}=...)")
        if pattern and not re.fullmatch(pattern, v):
            fail(f"parameter {k}={v!r} does not match its AllowedPattern {pattern}")
    values = {}
    for k, v in props["DefinitionSubstitutions"].items():
        if isinstance(v, dict) and "Ref" in v:
            values[k] = parameters[v["Ref"]]
        elif isinstance(v, dict) and "Fn::GetAtt" in v:
            values[k] = "arn:aws:lambda:us-east-1:123456789012:function:" + v["Fn::GetAtt"][0]
        else:
            values[k] = v
    definition = substitute(props["Definition"], values)
    m = [s for s in definition["States"].values() if s.get("Type") == "Map"][0]
    task = [s for s in m["ItemProcessor"]["States"].values() if s.get("Type") == "Task"][0]
    item = {"Key": args.key, "Size": 1, "ETag": "\"0\"", "LastModified": "2026-12-07T03:00:00Z", "StorageClass": "STANDARD"}
    context = {"Execution": {"Name": args.execution}, "Map": {"Item": {"Index": 0, "Value": item}}}
    item_input = render(m.get("ItemSelector", {"item.$": "$$.Map.Item.Value"}), {}, context)
    parameters = render(task["Parameters"], item_input, {"Execution": {"Name": args.execution + "-child"}})
    print(json.dumps(parameters["Payload"]))


if __name__ == "__main__":
    main()
