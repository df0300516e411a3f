#!/usr/bin/env bash
# Measures how fast the serving job recovers from a TaskManager crash (docs/benchmarks.md, "Recovery after a
# TaskManager loss"). Needs the broker, the cluster, a RUNNING serving job reading sensor readings and, for a
# meaningful figure, a published model and the sensor stream (docs/cluster.md, steps 2-6). Each round:
#   1. waits until the job answers a probe reading (RecoveryProbe), i.e. it serves;
#   2. kills TaskManager 1 with SIGKILL, starts a probe that sends a reading every 200 ms from then on, and starts a
#      replacement TaskManager (start-taskmanager.sh returns once the JobManager's REST API lists it);
#   3. waits for the probe's first result, and prints (a) kill -> replacement registered, (b) registered -> first
#      result of a probe (uncommitted: the job processes again; committed: a read_committed consumer sees it, i.e. the
#      first checkpoint after the restart completed), and the job's failures (its exception history: the lost
#      TaskManager, then one per attempt that found no slot).
# Rounds are --pause-seconds apart (default 70: longer than the restart strategy's reset-backoff-threshold of 1 min,
# so every round starts from the initial back-off, as a crash on a job that ran for a while does).
# Usage: measure-recovery.sh [--rounds N (default 3)] [--pause-seconds S (default 70)]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

rounds=3
pause_seconds=70
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds="${2:?--rounds needs a number}"; shift 2 ;;
    --pause-seconds) pause_seconds="${2:?--pause-seconds needs a number}"; shift 2 ;;
    *) die "usage: measure-recovery.sh [--rounds N] [--pause-seconds S]" ;;
  esac
done
classpath="$(tools_classpath)"

job_id="$(rest "$REST_URL/jobs/overview" | grep -o '"jid":"[0-9a-f]*","name":"[^"]*","start-time":[0-9]*,"end-time":-1' \
  | head -n1 | sed 's/"jid":"\([0-9a-f]*\)".*/\1/')"
[ -n "$job_id" ] || die "no running job on $REST_URL: submit one first (docs/cluster.md, step 4)"

now_ms() { date +%s%3N; }
# Failures that made the job restart, from its exception history (the numRestarts metric is fetched periodically and
# lags behind).
failures() {
  local answer
  answer="$(curl -sf --max-time 5 "$REST_URL/jobs/$job_id/exceptions?maxExceptions=1000" || true)"
  grep -o '"exceptionName"' <<< "$answer" | wc -l || true
}
probe() {
  "$java_cmd" -Xmx128m -Dlog4j2.configurationFile="$cluster_dir/conf/log4j-cli.properties" -cp "$classpath" \
    dev.modelserving.deploy.cluster.RecoveryProbe --bootstrap-server "$BOOTSTRAP_SERVER" "$@"
}
field() { sed -n "s/.*$1=\([0-9]*\).*/\1/p" <<< "$2"; }

echo "Job $job_id; $rounds rounds, $pause_seconds s apart; failures so far: $(failures)"
echo "round | kill->registered (s) | registered->first result, uncommitted (s) | registered->first result, committed (s) | failures"
for round in $(seq 1 "$rounds"); do
  if [ "$round" -gt 1 ]; then sleep "$pause_seconds"; fi
  probe --timeout-seconds 120 > /dev/null || die "round $round: the job does not answer probes before the kill"
  failures_before="$(failures)"

  kill_ms="$(now_ms)"
  "$cluster_dir/stop-taskmanager.sh" --kill 1 > /dev/null
  probe_out="$CLUSTER_HOME/run/recovery-probe.out"
  probe --timeout-seconds 180 > "$probe_out" &
  probe_pid=$!
  "$cluster_dir/start-taskmanager.sh" 1 > /dev/null
  registered_ms="$(now_ms)"
  wait "$probe_pid" || die "round $round: no result for a probe within 180 s of the kill"
  line="$(cat "$probe_out")"
  uncommitted="$(field first_result_uncommitted "$line")"
  committed="$(field first_result_committed "$line")"
  printf '%5d | %20.1f | %41.1f | %39.1f | %s\n' "$round" \
    "$(awk "BEGIN{print ($registered_ms-$kill_ms)/1000}")" \
    "$(awk "BEGIN{print ($uncommitted-$registered_ms)/1000}")" \
    "$(awk "BEGIN{print ($committed-$registered_ms)/1000}")" \
    "$failures_before -> $(failures)"
done
