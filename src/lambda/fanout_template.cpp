// `onnxfn package --fanout` (see fanout_template.h): template parameters for the S3 locations, the
// Amazon States Language definition of the Distributed Map, and the IAM policies both sides need.
#include "lambda/fanout_template.h"

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

namespace onnxfn::lambda {
namespace {

using Writer = rapidjson::PrettyWriter<rapidjson::StringBuffer>;

void strings(Writer& w, std::initializer_list<const char*> values) {
  w.StartArray();
  for (const char* v : values) w.String(v);
  w.EndArray();
}

// The state machine: list s3://InputBucket/InputPrefix, one child execution per object. The Map's
// ItemSelector keeps the object's key and the parent execution's name; the task turns them into
// the job event the function runs (lambda/job_event.h): the object as the left table, the shared
// catalog as the right table, an s3:// output (so the job is durable, checkpointed beside it),
// and a run id that a retry of the same item repeats, so the retry takes the job's lease back.
// ${...} are DefinitionSubstitutions, filled in by CloudFormation.
std::string definition(int max_concurrency) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.SetIndent(' ', 2);
  w.StartObject();
  w.Key("Comment"), w.String("onnxfn fan-out: one durable pair job per object under s3://${InputBucket}/${InputPrefix}");
  w.Key("StartAt"), w.String("ScoreShards");
  w.Key("States"), w.StartObject();
  w.Key("ScoreShards"), w.StartObject();
  w.Key("Type"), w.String("Map");
  w.Key("ItemReader"), w.StartObject();
  w.Key("Resource"), w.String("arn:aws:states:::s3:listObjectsV2");
  w.Key("Parameters"), w.StartObject();
  w.Key("Bucket"), w.String("${InputBucket}");
  w.Key("Prefix"), w.String("${InputPrefix}");
  w.EndObject();
  w.EndObject();
  w.Key("ItemSelector"), w.StartObject();
  w.Key("key.$"), w.String("$$.Map.Item.Value.Key");
  w.Key("execution.$"), w.String("$$.Execution.Name");
  w.EndObject();
  w.Key("MaxConcurrency"), w.Int(max_concurrency);
  w.Key("ToleratedFailurePercentage"), w.Int(0);
  w.Key("ItemProcessor"), w.StartObject();
  w.Key("ProcessorConfig"), w.StartObject();
  w.Key("Mode"), w.String("DISTRIBUTED");
  // Standard child executions: a shard may need several invocations (a partial job is retried),
  // longer than an express execution's five minutes.
  w.Key("ExecutionType"), w.String("STANDARD");
  w.EndObject();
  w.Key("StartAt"), w.String("ScoreShard");
  w.Key("States"), w.StartObject();
  w.Key("ScoreShard"), w.StartObject();
  w.Key("Type"), w.String("Task");
  w.Key("Resource"), w.String("arn:aws:states:::lambda:invoke");
  w.Key("Parameters"), w.StartObject();
  w.Key("FunctionName"), w.String("${ModelFunctionArn}");
  w.Key("Payload"), w.StartObject();
  w.Key("job"), w.StartObject();
  w.Key("left.$"), w.String("States.Format('s3://${InputBucket}/{}', $.key)");
  w.Key("right"), w.String("${RightTable}");
  w.Key("output.$"), w.String("States.Format('s3://${OutputBucket}/${OutputPrefix}{}.jsonl', $.key)");
  w.EndObject();
  w.Key("run_id.$"), w.String("States.Format('{}/{}', $.execution, $.key)");
  w.EndObject();
  w.EndObject();
  w.Key("ResultSelector"), w.StartObject();
  w.Key("result.$"), w.String("$.Payload");
  w.EndObject();
  w.Key("Retry"), w.StartArray();
  // Throttling and transient service errors: exponential backoff with jitter.
  w.StartObject();
  w.Key("ErrorEquals");
  strings(w, {"Lambda.TooManyRequestsException", "Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException"});
  w.Key("IntervalSeconds"), w.Int(2);
  w.Key("MaxAttempts"), w.Int(6);
  w.Key("BackoffRate"), w.Double(2.0);
  w.Key("MaxDelaySeconds"), w.Int(120);
  w.Key("JitterStrategy"), w.String("FULL");
  w.EndObject();
  // A job left partial (the invocation's time ran out, or another run holds its lease) fails as
  // onnxfn.ResourceLimit after committing its chunks: invoking it again continues it.
  w.StartObject();
  w.Key("ErrorEquals");
  strings(w, {"onnxfn.ResourceLimit"});
  w.Key("IntervalSeconds"), w.Int(1);
  w.Key("MaxAttempts"), w.Int(20);
  w.Key("BackoffRate"), w.Double(1.5);
  w.Key("MaxDelaySeconds"), w.Int(60);
  w.EndObject();
  w.EndArray();
  w.Key("End"), w.Bool(true);
  w.EndObject();  // ScoreShard
  w.EndObject();  // States
  w.EndObject();  // ItemProcessor
  // Each shard's answer (the job's JSON) lands beside the outputs.
  w.Key("ResultWriter"), w.StartObject();
  w.Key("Resource"), w.String("arn:aws:states:::s3:putObject");
  w.Key("Parameters"), w.StartObject();
  w.Key("Bucket"), w.String("${OutputBucket}");
  w.Key("Prefix"), w.String("${OutputPrefix}fanout-results");
  w.EndObject();
  w.EndObject();
  w.Key("End"), w.Bool(true);
  w.EndObject();  // ScoreShards
  w.EndObject();  // States
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string indented(const std::string& text, const std::string& indent) {
  std::string out = indent;
  for (char c : text) {
    out += c;
    if (c == '\n') out += indent;
  }
  return out + "\n";
}

}  // namespace

FanoutTemplate fanout_template(const std::string& name, int max_concurrency) {
  FanoutTemplate t;
  // The patterns keep the values out of what the definition quotes: no quote, brace or backslash
  // reaches a States.Format template.
  const char* bucket = "'^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$'";
  const char* prefix = "'^[A-Za-z0-9!_.*()/=+-]*$'";
  t.parameters += "Parameters:\n";
  t.parameters += "  InputBucket:\n    Type: String\n    Description: Bucket of the shards (one pair job per object)\n";
  t.parameters += "    AllowedPattern: " + std::string(bucket) + "\n";
  t.parameters += "  InputPrefix:\n    Type: String\n    Description: Prefix the state machine lists; every object under it is a left table\n";
  t.parameters += "    Default: ''\n    AllowedPattern: " + std::string(prefix) + "\n";
  t.parameters += "  RightTable:\n    Type: String\n    Description: The catalog every shard is matched against (s3://bucket/key)\n";
  t.parameters += "    AllowedPattern: '^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/[A-Za-z0-9!_.*()/=+-]+$'\n";
  t.parameters += "  OutputBucket:\n    Type: String\n    Description: Bucket of the outputs (OutputPrefix + key + .jsonl), their checkpoints and the run's results\n";
  t.parameters += "    AllowedPattern: " + std::string(bucket) + "\n";
  t.parameters += "  OutputPrefix:\n    Type: String\n    Description: Prefix of the outputs; keep it outside InputPrefix\n";
  t.parameters += "    Default: 'matches/'\n    AllowedPattern: " + std::string(prefix) + "\n";

  t.function_policies += "      Policies:\n";
  t.function_policies += "        - S3ReadPolicy:\n            BucketName: !Ref InputBucket\n";
  t.function_policies += "        - S3ReadPolicy:\n            BucketName: !Select [2, !Split ['/', !Ref RightTable]]\n";
  t.function_policies += "        - S3CrudPolicy:\n            BucketName: !Ref OutputBucket\n";

  const std::string machine = name + "-fanout";
  t.resources += "  FanoutStateMachine:\n";
  t.resources += "    Type: AWS::Serverless::StateMachine\n";
  t.resources += "    Properties:\n";
  t.resources += "      Name: '" + machine + "'\n";
  t.resources += "      Type: STANDARD\n";
  t.resources += "      DefinitionSubstitutions:\n";
  t.resources += "        ModelFunctionArn: !GetAtt ModelFunction.Arn\n";
  for (const char* p : {"InputBucket", "InputPrefix", "RightTable", "OutputBucket", "OutputPrefix"})
    t.resources += std::string("        ") + p + ": !Ref " + p + "\n";
  t.resources += "      Policies:\n";
  t.resources += "        - S3ReadPolicy:\n            BucketName: !Ref InputBucket\n";
  t.resources += "        - LambdaInvokePolicy:\n            FunctionName: !Ref ModelFunction\n";
  t.resources += "        - S3CrudPolicy:\n            BucketName: !Ref OutputBucket\n";
  // A Distributed Map starts its child executions as executions of this same state machine.
  t.resources += "        - Statement:\n";
  t.resources += "            - Effect: Allow\n";
  t.resources += "              Action: states:StartExecution\n";
  t.resources += "              Resource: !Sub 'arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:stateMachine:" + machine + "'\n";
  t.resources += "            - Effect: Allow\n";
  t.resources += "              Action:\n                - states:DescribeExecution\n                - states:StopExecution\n";
  t.resources += "              Resource: !Sub 'arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:execution:" + machine + "/*'\n";
  t.resources += "      Definition:\n";
  t.resources += indented(definition(max_concurrency), "        ");

  t.outputs += "  FanoutStateMachineArn:\n";
  t.outputs += "    Description: Start a run with `aws stepfunctions start-execution --state-machine-arn <this>`\n";
  t.outputs += "    Value: !Ref FanoutStateMachine\n";
  return t;
}

}  // namespace onnxfn::lambda
