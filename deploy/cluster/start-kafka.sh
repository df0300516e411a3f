#!/usr/bin/env bash
# Starts a single-node Kafka broker (KRaft) on 127.0.0.1:$KAFKA_PORT (default 9092) as a background process, with
# its data under $CLUSTER_HOME/kafka, and creates the serving job's topics (records, models, results, dead-letters,
# model-events, model-stats, system-alerts; 2 partitions each) and the sensor system's compacted context topics
# (machine-properties, rpm-monitoring-config) if they are missing. Does nothing when the broker already runs.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

pid_file="$run_dir/kafka.pid"
log_file="$log_dir/kafka.log"
topics=(records models results dead-letters model-events model-stats system-alerts predicted-temperatures)
compacted_topics=(machine-properties rpm-monitoring-config)
classpath="$(tools_classpath)"

if is_running "$pid_file"; then
  echo "Kafka broker already running (pid $(cat "$pid_file")) on $BOOTSTRAP_SERVER"
  exit 0
fi

kafka_home="$CLUSTER_HOME/kafka"
mkdir -p "$kafka_home/data"
sed -e "s|@CLUSTER_HOME@|$CLUSTER_HOME|g" -e "s|@KAFKA_PORT@|$KAFKA_PORT|g" \
    -e "s|@KAFKA_CONTROLLER_PORT@|$KAFKA_CONTROLLER_PORT|g" \
    "$cluster_dir/conf/kafka-server.properties.template" > "$kafka_home/server.properties"

# First start: format the storage with a new cluster id (kafka-storage.sh format).
if [ ! -f "$kafka_home/data/meta.properties" ]; then
  cluster_id="$("$java_cmd" -cp "$classpath" -Dlog4j2.configurationFile="$cluster_dir/conf/log4j-cli.properties" \
    kafka.tools.StorageTool random-uuid)"
  "$java_cmd" -cp "$classpath" -Dlog4j2.configurationFile="$cluster_dir/conf/log4j-cli.properties" \
    kafka.tools.StorageTool format -t "$cluster_id" -c "$kafka_home/server.properties" > "$log_dir/kafka-format.log" 2>&1 \
    || die "formatting the broker storage failed: $(tail -n 3 "$log_dir/kafka-format.log")"
fi

start_java "$pid_file" "$log_file" -Xms256m -Xmx512m -XX:+UseG1GC \
  -Dlog4j2.configurationFile="$cluster_dir/conf/kafka-log4j2.properties" -Dkafka.log.file="$log_file.broker" \
  -cp "$classpath" kafka.Kafka "$kafka_home/server.properties"
remember_ports KAFKA_PORT KAFKA_CONTROLLER_PORT

# Waits for the broker (up to 60 s), creates the missing topics and waits for their partition leaders.
"$java_cmd" -cp "$classpath" -Dlog4j2.configurationFile="$cluster_dir/conf/log4j-cli.properties" \
  dev.modelserving.deploy.cluster.KafkaTopics --bootstrap-server "$BOOTSTRAP_SERVER" --partitions 2 \
  --timeout-seconds 60 --compacted "${compacted_topics[0]}" --compacted "${compacted_topics[1]}" "${topics[@]}" \
  || { tail -n 20 "$log_file.broker" >&2 2>/dev/null || true; die "the broker did not come up (logs: $log_file*)"; }
echo "Kafka broker started (pid $(cat "$pid_file")) on $BOOTSTRAP_SERVER; topics: ${topics[*]}, compacted: ${compacted_topics[*]}; logs: $log_file*"
