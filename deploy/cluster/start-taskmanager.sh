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

resource_output="$("$java_cmd" -cp "$classpath" -Dlog4j.configurationFile="file:$conf_dir/log4j-cli.properties" \
  org.apache.flink.runtime.util.bash.BashJavaUtils GET_TM_RESOURCE_PARAMS --configDir "$conf_dir" 2>&1)" \
  || die "computing the TaskManager's memory failed: $resource_output"
results="$(grep '^BASH_JAVA_UTILS_EXEC_RESULT:' <<< "$resource_output" | sed 's/^BASH_JAVA_UTILS_EXEC_RESULT://')"
read -r -a jvm_params <<< "$(head -n1 <<< "$results")"
read -r -a dynamic_configs <<< "$(tail -n1 <<< "$results")"
read -r -a java17 <<< "$java17_opts"

slots_before="$(registered_slots)"
slots_before="${slots_before:-0}"
start_java "$pid_file" "$log_file.out" "${jvm_params[@]}" "${java17[@]}" \
  -Dlog.file="$log_file" -Dlog4j.configurationFile="file:$conf_dir/log4j.properties" \
  -cp "$classpath" org.apache.flink.runtime.taskexecutor.TaskManagerRunner \
  --configDir "$conf_dir" "${dynamic_configs[@]}"
more_slots() { [ "$(registered_slots)" -gt "$slots_before" ]; }
wait_until "slots registered at the JobManager" "$pid_file" 60 "$log_file" more_slots
echo "TaskManager $id started (pid $(cat "$pid_file")); slots in the cluster: $(registered_slots); log: $log_file"
