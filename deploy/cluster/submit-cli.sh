#!/usr/bin/env bash
# Submits the job jar with Flink's own command-line client (`flink run -d`: org.apache.flink.client.cli.CliFrontend,
# configured by FLINK_CONF_DIR=$CLUSTER_HOME/conf) and prints the job id on standard output (what it did on standard
# error), so JOB=$(submit-cli.sh) works. Usage:
#   submit-cli.sh [-p PARALLELISM] [-s SAVEPOINT_PATH] [--] [job flags...]
# Without job flags: --bootstrap-servers 127.0.0.1:$KAFKA_PORT --data-format sensor-reading --sensor-system. Default parallelism 2.
# Signatures are required: unless the job flags name a --trust-policy, the script adds --trust-policy $TRUST_POLICY
# (default $CLUSTER_HOME/trust/trust-policy.txtpb, made by trust-init.sh if missing) --require-signatures true.
# TRUST_POLICY=none submits without (any writer of the models topic then decides what serves).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

options=(-p 2)
while [ $# -gt 0 ]; do
  case "$1" in
    -p|--parallelism) options=(-p "${2:?-p needs a number}" "${options[@]:2}"); shift 2 ;;
    -s|--fromSavepoint|--from-savepoint) options+=(-s "${2:?-s needs a savepoint path}"); shift 2 ;;
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
[ -f "$conf_dir/config.yaml" ] || die "no cluster configuration in $conf_dir: start the cluster with $cluster_dir/start-cluster.sh"
classpath="$(flink_classpath)"
read -r -a java17 <<< "$java17_opts"

log_file="$log_dir/flink-cli.log"
export FLINK_CONF_DIR="$conf_dir"
if ! "$java_cmd" "${java17[@]}" -Dlog4j.configurationFile="file:$conf_dir/log4j-cli.properties" \
    -cp "$classpath" org.apache.flink.client.cli.CliFrontend run -d "${options[@]}" "$jar" "$@" > "$log_file" 2>&1; then
  tail -n 20 "$log_file" >&2
  die "flink run failed (output: $log_file)"
fi
job_id="$(sed -n 's/.*JobID \([0-9a-f]\{32\}\).*/\1/p' "$log_file" | tail -n1)"
[ -n "$job_id" ] || die "flink run printed no job id (output: $log_file)"
echo >&2 "Submitted $(basename "$jar") with flink run -d (${options[*]}): job $job_id"
echo "$job_id"
