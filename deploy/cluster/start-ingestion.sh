#!/usr/bin/env bash
# Starts the sensor HTTP API (simulated machines, GET http://127.0.0.1:$SENSOR_API_PORT/readings?since=<cursor>, JSON
# with dd.MM.yyyy HH:mm:ss.SSS UTC timestamps) and the ingestion that polls it and publishes SensorReadings to the
# records topic (unusable events become dead letters), both in the background, until stop-all.sh or
# `start-ingestion.sh --stop`. The job reads them with --data-format sensor-reading.
# Usage: start-ingestion.sh [--rate READINGS_PER_SECOND (default 20)] [--machines N (default 10)]
# Environment: SENSOR_API_PORT (default 8090).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

api_pid="$run_dir/sensor-api.pid"
ingest_pid="$run_dir/ingestion.pid"
if [ "${1:-}" = "--stop" ]; then
  stop_process "Sensor ingestion" "$ingest_pid"
  stop_process "Sensor API" "$api_pid"
  exit 0
fi
port="${SENSOR_API_PORT:-8090}"
classpath="$(tools_classpath)"
log4j="-Dlog4j2.configurationFile=$cluster_dir/conf/log4j-cli.properties"
if is_running "$api_pid"; then
  echo "Sensor API already running (pid $(cat "$api_pid"))"
else
  start_java "$api_pid" "$log_dir/sensor-api.log" -Xmx256m "$log4j" -cp "$classpath" \
    dev.modelserving.deploy.ingest.SensorApiServer --port "$port" "$@"
  echo "Sensor API started (pid $(cat "$api_pid")) on http://127.0.0.1:$port/readings; log: $log_dir/sensor-api.log"
fi
if is_running "$ingest_pid"; then
  echo "Sensor ingestion already running (pid $(cat "$ingest_pid"))"
else
  start_java "$ingest_pid" "$log_dir/ingestion.log" -Xmx256m "$log4j" -cp "$classpath" \
    dev.modelserving.deploy.ingest.IngestSensors --api "http://127.0.0.1:$port/readings" \
    --bootstrap-server "$BOOTSTRAP_SERVER"
  echo "Sensor ingestion started (pid $(cat "$ingest_pid")) to $BOOTSTRAP_SERVER; log: $log_dir/ingestion.log"
fi
