#!/usr/bin/env bash
# Starts a standalone Flink session cluster on 127.0.0.1 from Maven artifacts (no distribution needed): a JobManager
# (REST API and web UI on $FLINK_REST_PORT, default 8081) and one TaskManager (2 slots), as separate background
# processes. Config: $CLUSTER_HOME/conf/config.yaml (from conf/config.yaml.template); logs: $CLUSTER_HOME/log.
# Waits until the TaskManager's slots are registered. Does nothing for processes that already run.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

pid_file="$run_dir/jobmanager.pid"
log_file="$log_dir/jobmanager.log"

if is_running "$pid_file"; then
  echo "JobManager already running (pid $(cat "$pid_file")); web UI and REST API: $REST_URL"
else
  classpath="$(flink_classpath)"
  flink_plugins
  mkdir -p "$conf_dir" "$CLUSTER_HOME/checkpoints" "$CLUSTER_HOME/savepoints" "$CLUSTER_HOME/tmp" \
    "$CLUSTER_HOME/web-upload"
  sed -e "s|@CLUSTER_HOME@|$CLUSTER_HOME|g" -e "s|@FLINK_RPC_PORT@|$FLINK_RPC_PORT|g" \
      -e "s|@FLINK_REST_PORT@|$FLINK_REST_PORT|g" -e "s|@JAVA_OPTS@|$java17_opts|g" \
      -e "s|@PROMETHEUS_PORTS@|$FLINK_PROMETHEUS_PORTS|g" \
      "$cluster_dir/conf/config.yaml.template" > "$conf_dir/config.yaml"
  cp "$cluster_dir/conf/log4j.properties" "$conf_dir/log4j.properties"
  cp "$cluster_dir/conf/log4j-cli.properties" "$conf_dir/log4j-cli.properties"
  remember_ports FLINK_REST_PORT FLINK_RPC_PORT

  # JVM memory flags from the configured process size, computed by Flink itself (as the distribution's scripts do).
  resource_output="$("$java_cmd" -cp "$classpath" -Dlog4j.configurationFile="file:$conf_dir/log4j-cli.properties" \
    org.apache.flink.runtime.util.bash.BashJavaUtils GET_JM_RESOURCE_PARAMS --configDir "$conf_dir" 2>&1)" \
    || die "computing the JobManager's memory failed: $resource_output"
  results="$(grep '^BASH_JAVA_UTILS_EXEC_RESULT:' <<< "$resource_output" | sed 's/^BASH_JAVA_UTILS_EXEC_RESULT://')"
  read -r -a jvm_params <<< "$(head -n1 <<< "$results")"
  read -r -a dynamic_configs <<< "$(tail -n1 <<< "$results")"
  read -r -a java17 <<< "$java17_opts"

  start_java "$pid_file" "$log_file.out" "${jvm_params[@]}" "${java17[@]}" \
    -Dlog.file="$log_file" -Dlog4j.configurationFile="file:$conf_dir/log4j.properties" \
    -cp "$classpath" org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint \
    --configDir "$conf_dir" "${dynamic_configs[@]}"
  wait_until "REST API on $REST_URL" "$pid_file" 60 "$log_file" curl -sf "$REST_URL/config"
  echo "JobManager started (pid $(cat "$pid_file")); web UI and REST API: $REST_URL; log: $log_file"
fi

# One TaskManager, unless TaskManagers are already running.
if ! any_taskmanager_running; then
  "$cluster_dir/start-taskmanager.sh"
fi
