#!/usr/bin/env bash
# Submits the job jar through the JobManager's REST API: POST /jars/upload, then POST /jars/<id>/run with the job's
# flags (programArgsList) and parallelism; the uploaded jar is deleted again (the job keeps its own copy).
# Prints the job id on standard output (and what it did on standard error), so JOB=$(submit-rest.sh) works. Usage:
#   submit-rest.sh [-p PARALLELISM] [-s SAVEPOINT_PATH] [--] [job flags...]
# Without job flags: --bootstrap-servers 127.0.0.1:$KAFKA_PORT --data-format sensor-reading --sensor-system. Default parallelism 2.
# Signatures are required: unless the job flags name a --trust-policy, the script adds --trust-policy $TRUST_POLICY
# (default $CLUSTER_HOME/trust/trust-policy.txtpb, made by trust-init.sh if missing) --require-signatures true.
# TRUST_POLICY=none submits without (any writer of the models topic then decides what serves).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

parallelism=2
savepoint=""
while [ $# -gt 0 ]; do
  case "$1" in
    -p|--parallelism) parallelism="${2:?-p needs a number}"; shift 2 ;;
    -s|--from-savepoint) savepoint="${2:?-s needs a savepoint path}"; shift 2 ;;
    --) shift; break ;;
    *) break ;;
  esac
done
if [ $# -eq 0 ]; then
  set -- --bootstrap-servers "$BOOTSTRAP_SERVER" --data-format sensor-reading --sensor-system
fi
with_signatures "$@"
set -- "${job_flags[@]}"
jar="$(job_jar)"

# JSON string literals for the run request (programArgsList keeps each flag a separate argument).
json_string() {
  local s="$1"
  s="${s//\\/\\\\}"; s="${s//\"/\\\"}"
  printf '"%s"' "$s"
}
args_json=""
for arg in "$@"; do
  args_json+="${args_json:+,}$(json_string "$arg")"
done
request="{\"programArgsList\":[$args_json],\"parallelism\":$parallelism"
if [ -n "$savepoint" ]; then
  request+=",\"savepointPath\":$(json_string "$savepoint"),\"allowNonRestoredState\":false"
fi
request+="}"

upload="$(rest -X POST -H "Expect:" -F "jarfile=@$jar;type=application/java-archive" "$REST_URL/jars/upload")"
uploaded="$(json_field filename <<< "$upload")"
[ -n "$uploaded" ] || die "uploading $jar failed: $upload"
jar_id="$(basename "$uploaded")"

answer="$(rest -X POST -H "Content-Type: application/json" -d "$request" "$REST_URL/jars/$jar_id/run")"
rest -X DELETE "$REST_URL/jars/$jar_id" > /dev/null || true
job_id="$(json_field jobid <<< "$answer")"
[ -n "$job_id" ] || die "running the job failed: $answer"
echo >&2 "Submitted $(basename "$jar") through $REST_URL (parallelism $parallelism${savepoint:+, from savepoint $savepoint}): job $job_id"
echo "$job_id"
