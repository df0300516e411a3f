# Shared by the cluster scripts (sourced, not run). Settings, from the environment, then from what the start scripts
# recorded in $CLUSTER_HOME/ports.env, then the defaults:
#   CLUSTER_HOME           work directory: config, pid files, logs, Kafka data, checkpoints (default deploy/cluster/work)
#   KAFKA_PORT             broker port on 127.0.0.1 (default 9092); KAFKA_CONTROLLER_PORT (default 9093)
#   FLINK_REST_PORT        JobManager REST API and web UI (default 8081); FLINK_RPC_PORT (default 6123)
#   JOB_JAR                the job jar (default flink-job/job/target/flink-job-*-job.jar)
#   MODELSERVING_CLASSPATH classpath of the project's tools and the broker (default deploy/demo/target/demo.jar:lib/*)
#   JAVA_HOME              else `java` on PATH
#   TRUST_POLICY           trust policy the submit scripts give the job (default $CLUSTER_HOME/trust/trust-policy.txtpb,
#                          made by trust-init.sh); "none": no signature checks

cluster_dir="$(cd -P "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
deploy_dir="$(dirname "$cluster_dir")"
repo_dir="$(dirname "$deploy_dir")"

CLUSTER_HOME="${CLUSTER_HOME:-$cluster_dir/work}"
mkdir -p "$CLUSTER_HOME"
CLUSTER_HOME="$(cd -P "$CLUSTER_HOME" && pwd)"
export CLUSTER_HOME
ports_file="$CLUSTER_HOME/ports.env"
if [ -f "$ports_file" ]; then
  while IFS='=' read -r key value; do
    case "$key" in
      KAFKA_PORT|KAFKA_CONTROLLER_PORT|FLINK_REST_PORT|FLINK_RPC_PORT)
        if [ -z "${!key:-}" ]; then export "$key=$value"; fi ;;
    esac
  done < "$ports_file"
fi
KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
FLINK_REST_PORT="${FLINK_REST_PORT:-8081}"
FLINK_RPC_PORT="${FLINK_RPC_PORT:-6123}"
BOOTSTRAP_SERVER="127.0.0.1:$KAFKA_PORT"
REST_URL="http://127.0.0.1:$FLINK_REST_PORT"

run_dir="$CLUSTER_HOME/run"
log_dir="$CLUSTER_HOME/log"
conf_dir="$CLUSTER_HOME/conf"
mkdir -p "$run_dir" "$log_dir" "$CLUSTER_HOME/plugins"
# Plug-ins (metric reporters, file systems), as in a distribution's plugins/: flink_plugins puts the Prometheus
# reporter there; add others as plugins/<name>/<jar>.
export FLINK_PLUGINS_DIR="$CLUSTER_HOME/plugins"
# TensorFlow native logging of the TaskManagers and tools: warnings and errors only.
export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-2}"
# The Prometheus reporter's ports: the JobManager takes the first free one, each TaskManager the next
# (http://<host>:<port>/metrics). The reporter has no bind-address option: it listens on every interface.
FLINK_PROMETHEUS_PORTS="${FLINK_PROMETHEUS_PORTS:-9249-9260}"

build_hint="(cd '$repo_dir' && ./mvnw -B -ntp package -DskipTests)"

if [ -n "${JAVA_HOME:-}" ]; then java_cmd="$JAVA_HOME/bin/java"; else java_cmd="$(command -v java || true)"; fi
if [ -z "$java_cmd" ] || [ ! -x "$java_cmd" ]; then
  echo "$(basename "$0"): no Java found: install Java 17 or later, or set JAVA_HOME" >&2
  exit 1
fi

# The Java 17 module opens Flink needs (the list of the distribution's default config), for every cluster JVM.
java17_opts="--add-exports=java.base/sun.net.util=ALL-UNNAMED --add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED"
java17_opts+=" --add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED"
for package in java.lang java.net java.io java.nio sun.nio.ch java.lang.reflect java.text java.time java.util \
    java.util.concurrent java.util.concurrent.atomic java.util.concurrent.locks; do
  java17_opts+=" --add-opens=java.base/$package=ALL-UNNAMED"
done

die() {
  echo "$(basename "$0"): $*" >&2
  exit 1
}

# Records a port setting so the other scripts find it without the environment.
remember_ports() {
  local key value tmp
  tmp="$ports_file.tmp"
  touch "$ports_file"
  for key in "$@"; do
    value="${!key}"
    grep -v "^$key=" "$ports_file" > "$tmp" || true
    echo "$key=$value" >> "$tmp"
    mv "$tmp" "$ports_file"
  done
}

# The classpath of the project's tools (and of the Kafka broker): deploy/demo's jar and its runtime dependencies.
tools_classpath() {
  if [ -n "${MODELSERVING_CLASSPATH:-}" ]; then
    echo "$MODELSERVING_CLASSPATH"
    return
  fi
  if [ ! -f "$deploy_dir/demo/target/demo.jar" ] || [ ! -d "$deploy_dir/demo/target/lib" ]; then
    die "deploy/demo/target/demo.jar is not built yet; build it with: $build_hint"
  fi
  echo "$deploy_dir/demo/target/demo.jar:$deploy_dir/demo/target/lib/*"
}

# The job jar (the shaded flink-job jar).
job_jar() {
  local jar="${JOB_JAR:-}"
  if [ -z "$jar" ]; then
    jar="$(ls -1 "$repo_dir"/flink-job/job/target/flink-job-*-job.jar 2>/dev/null | head -n1 || true)"
  fi
  if [ -n "${JOB_JAR:-}" ] && [ ! -f "$jar" ]; then
    die "JOB_JAR=$jar: no such file"
  fi
  if [ -z "$jar" ] || [ ! -f "$jar" ]; then
    die "the job jar (flink-job/job/target/flink-job-*-job.jar) is not built yet; build it with: $build_hint"
  fi
  echo "$jar"
}

# The Flink cluster's classpath (what a distribution's lib/ holds), resolved by Maven from flink-lib/pom.xml into
# $CLUSTER_HOME/flink-classpath.txt; resolved again when that POM changes. Offline first, online if jars are missing.
flink_classpath() {
  local file="$CLUSTER_HOME/flink-classpath.txt" pom="$cluster_dir/flink-lib/pom.xml"
  if [ ! -s "$file" ] || [ "$pom" -nt "$file" ]; then
    local maven=(env -u MAVEN_ARGS "$repo_dir/mvnw" -B -ntp -q -f "$pom" dependency:build-classpath
      "-Dmdep.outputFile=$file")
    if ! "${maven[@]}" -o > "$log_dir/flink-classpath.log" 2>&1; then
      "${maven[@]}" >> "$log_dir/flink-classpath.log" 2>&1 \
        || die "cannot resolve the Flink cluster's jars with Maven (see $log_dir/flink-classpath.log)"
    fi
  fi
  cat "$file"
}

# The cluster's plug-ins (flink-plugins/pom.xml) in $FLINK_PLUGINS_DIR: the Prometheus reporter in
# metrics-prometheus/. Copied again when that POM changes. Offline first, online if the jar is missing.
flink_plugins() {
  local dir="$FLINK_PLUGINS_DIR/metrics-prometheus" pom="$cluster_dir/flink-plugins/pom.xml"
  if [ -z "$(ls "$dir"/*.jar 2>/dev/null)" ] || [ "$pom" -nt "$dir" ]; then
    rm -rf "$dir"
    local maven=(env -u MAVEN_ARGS "$repo_dir/mvnw" -B -ntp -q -f "$pom" dependency:copy-dependencies
      -DexcludeTransitive=true "-DoutputDirectory=$dir")
    if ! "${maven[@]}" -o > "$log_dir/flink-plugins.log" 2>&1; then
      "${maven[@]}" >> "$log_dir/flink-plugins.log" 2>&1 \
        || die "cannot resolve the Flink cluster's plug-ins with Maven (see $log_dir/flink-plugins.log)"
    fi
  fi
}

# Whether the process in a pid file is alive.
is_running() {
  local pid_file="$1"
  [ -f "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2>/dev/null
}

# Stops the process of a pid file: SIGTERM (SIGKILL with --kill), waits up to 60 s, then SIGKILL. Idempotent.
stop_process() {
  local name="$1" pid_file="$2" signal="${3:-TERM}" pid waited=0
  if ! is_running "$pid_file"; then
    rm -f "$pid_file"
    echo "$name: not running"
    return 0
  fi
  pid="$(cat "$pid_file")"
  kill "-$signal" "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do
    if [ "$waited" -eq 600 ]; then
      kill -KILL "$pid" 2>/dev/null || true
      echo "$name (pid $pid) did not stop within 60 s: killed"
    fi
    sleep 0.1
    waited=$((waited + 1))
  done
  rm -f "$pid_file"
  echo "$name (pid $pid) stopped${3:+ with SIG$signal}"
}

# Starts a Java process in the background, detached from this shell: its output goes to a log file, its pid to a file.
start_java() {
  local pid_file="$1" log_file="$2"
  shift 2
  nohup "$java_cmd" "$@" < /dev/null > "$log_file" 2>&1 &
  echo $! > "$pid_file"
}

# Waits until a command succeeds, checking every 0.2 s that the process of the pid file is alive.
wait_until() {
  local what="$1" pid_file="$2" timeout_s="$3" log_file="$4"
  shift 4
  local deadline=$((SECONDS + timeout_s))
  until "$@" > /dev/null 2>&1; do
    if ! is_running "$pid_file"; then
      echo "$(basename "$0"): the process died before $what; last lines of $log_file:" >&2
      tail -n 20 "$log_file" >&2 || true
      exit 1
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "$(basename "$0"): no $what within ${timeout_s} s; last lines of $log_file:" >&2
      tail -n 20 "$log_file" >&2 || true
      exit 1
    fi
    sleep 0.2
  done
}

# The job flags with signatures required, into the array job_flags: the flags as given when they name a
# --trust-policy (or TRUST_POLICY=none), else with --trust-policy $TRUST_POLICY --require-signatures true added;
# the default policy ($CLUSTER_HOME/trust/trust-policy.txtpb) is made by trust-init.sh when missing.
with_signatures() {
  job_flags=("$@")
  local flag
  for flag in "$@"; do
    if [ "$flag" = "--trust-policy" ]; then return 0; fi
  done
  if [ "${TRUST_POLICY:-}" = "none" ]; then
    echo >&2 "TRUST_POLICY=none: the job runs WITHOUT signature checks"
    return 0
  fi
  local policy="${TRUST_POLICY:-$CLUSTER_HOME/trust/trust-policy.txtpb}"
  if [ ! -f "$policy" ]; then
    if [ -n "${TRUST_POLICY:-}" ]; then die "TRUST_POLICY=$policy: no such file"; fi
    policy="$("$cluster_dir/trust-init.sh")"
  fi
  job_flags+=(--trust-policy "$policy" --require-signatures true)
}

# A JSON string field of a (one-line) JSON document: json_field <name> <<< "$json".
json_field() {
  sed -n "s/.*\"$1\" *: *\"\([^\"]*\)\".*/\1/p" | head -n1
}

# Fails with the REST answer when curl could not reach the JobManager.
rest() {
  curl -sS --max-time 120 "$@" || die "the JobManager's REST API at $REST_URL did not answer (start-cluster.sh?)"
}

# Whether any TaskManager started by start-taskmanager.sh is alive.
any_taskmanager_running() {
  local pid_file
  for pid_file in "$run_dir"/taskmanager-*.pid; do
    if is_running "$pid_file"; then return 0; fi
  done
  return 1
}

# The number of slots registered at the JobManager (0 when it does not answer).
registered_slots() {
  curl -sf --max-time 5 "$REST_URL/overview" | sed -n 's/.*"slots-total" *: *\([0-9]*\).*/\1/p' | head -n1
}
