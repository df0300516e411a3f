#!/usr/bin/env bash
# Starts TaskManager number N (default 1; 2 slots) of the session cluster as a background process and waits until the
# JobManager has its slots. Start a second one with `start-taskmanager.sh 2`. Does nothing when it already runs.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

id="${1:-1}"
case "$id" in *[!0-9]*|'') die "usage: start-taskmanager.sh [N] (N: a number, default 1)" ;; esac
pid_file="$run_dir/taskmanager-$id.pid"
log_file="$log_dir/taskmanager-$id.log"

if is_running "$pid_file"; then
  echo "TaskManager $id already running (pid $(cat "$pid_file"))"
  exit 0
fi
[ -f "$conf_dir/config.yaml" ] && is_running "$run_dir/jobmanager.pid" \
  || die "the JobManager is not running: start the cluster with $cluster_dir/start-cluster.sh"
classpath="$(flink_classpath)"
flink_plugins

resource_output="$("$java_cmd" -cp "$classpath" -Dlog4j.configurationFile="file:$conf_dir/log4j-cli.properties" \
  org.apache.flink.runtime.util.bash.BashJavaUtils GET_TM_RESOURCE_PARAMS --configDir "$conf_dir" 2>&1)" \
  || die "computing the TaskManager's memory failed: $resource_output"
results="$(grep '^BASH_JAVA_UTILS_EXEC_RESULT:' <<< "$resource_output" | sed 's/^BASH_JAVA_UTILS_EXEC_RESULT://')"
read -r -a jvm_params <<< "$(head -n1 <<< "$results")"
read -r -a dynamic_configs <<< "$(tail -n1 <<< "$results")"
read -r -a java17 <<< "$java17_opts"

# A resource id of our own, to see this TaskManager (and not a killed one the JobManager still counts) register.
resource_id="taskmanager-$id-$(date +%s)"
start_java "$pid_file" "$log_file.out" "${jvm_params[@]}" "${java17[@]}" \
  -Dlog.file="$log_file" -Dlog4j.configurationFile="file:$conf_dir/log4j.properties" \
  -cp "$classpath" org.apache.flink.runtime.taskexecutor.TaskManagerRunner \
  --configDir "$conf_dir" "${dynamic_configs[@]}" -D "taskmanager.resource-id=$resource_id"
registered() { curl -sf --max-time 5 "$REST_URL/taskmanagers" | grep -q "\"id\" *: *\"$resource_id\""; }
wait_until "registration at the JobManager" "$pid_file" 60 "$log_file" registered
echo "TaskManager $id started (pid $(cat "$pid_file")); slots in the cluster: $(registered_slots); log: $log_file"
