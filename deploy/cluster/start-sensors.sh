#!/usr/bin/env bash
# Streams generated sensor readings to the records topic in the background (SensorReading protobuf, keyed by machine
# id; the job reads them with --data-format sensor-reading) until stop-all.sh or `start-sensors.sh --stop`.
# Usage: start-sensors.sh [--rate READINGS_PER_SECOND (default 20)] [--machines N (default 10)] [--topic records]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

pid_file="$run_dir/sensors.pid"
log_file="$log_dir/sensors.log"
if [ "${1:-}" = "--stop" ]; then
  stop_process "Sensor stream" "$pid_file"
  exit 0
fi
if is_running "$pid_file"; then
  echo "Sensor stream already running (pid $(cat "$pid_file"))"
  exit 0
fi
classpath="$(tools_classpath)"
start_java "$pid_file" "$log_file" -Xmx256m -Dlog4j2.configurationFile="$cluster_dir/conf/log4j-cli.properties" \
  -cp "$classpath" dev.modelserving.deploy.cluster.SensorStream --bootstrap-server "$BOOTSTRAP_SERVER" "$@"
echo "Sensor stream started (pid $(cat "$pid_file")) to $BOOTSTRAP_SERVER ${*:-(20 readings/s to records)}; log: $log_file"
