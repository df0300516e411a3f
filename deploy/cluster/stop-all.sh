#!/usr/bin/env bash
# Stops everything the cluster scripts started, in order: the sensor stream, the TaskManagers, the JobManager (running
# jobs end with it; take a savepoint first to resume them), the Kafka broker. Idempotent. Data stays in $CLUSTER_HOME
# (Kafka topics, checkpoints, savepoints); delete that directory for a clean start.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

stop_process "Sensor stream" "$run_dir/sensors.pid"
stop_process "Sensor ingestion" "$run_dir/ingestion.pid"
stop_process "Sensor API" "$run_dir/sensor-api.pid"
for pid_file in "$run_dir"/taskmanager-*.pid; do
  [ -e "$pid_file" ] || continue
  id="${pid_file##*/taskmanager-}"
  stop_process "TaskManager ${id%.pid}" "$pid_file"
done
stop_process "JobManager" "$run_dir/jobmanager.pid"
stop_process "Kafka broker" "$run_dir/kafka.pid"
