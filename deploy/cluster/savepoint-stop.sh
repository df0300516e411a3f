#!/usr/bin/env bash
# Stops a job with a savepoint through the REST API (POST /jobs/<id>/stop, then polls the savepoint's status) and
# prints the savepoint path on standard output (what it did on standard error), to resume with `submit-rest.sh -s <path>` or `submit-cli.sh -s <path>`.
# Usage: savepoint-stop.sh JOB_ID [TARGET_DIRECTORY]  (default directory: $CLUSTER_HOME/savepoints)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

job_id="${1:-}"
[[ "$job_id" =~ ^[0-9a-f]{32}$ ]] || die "usage: savepoint-stop.sh JOB_ID [TARGET_DIRECTORY] (JOB_ID: 32 hex digits, see $REST_URL/jobs)"
target="${2:-$CLUSTER_HOME/savepoints}"
case "$target" in *://*) ;; *) mkdir -p "$target"; target="file://$(cd -P "$target" && pwd)" ;; esac

answer="$(rest -X POST -H "Content-Type: application/json" \
  -d "{\"drain\":false,\"targetDirectory\":\"$target\"}" "$REST_URL/jobs/$job_id/stop")"
request_id="$(json_field request-id <<< "$answer")"
[ -n "$request_id" ] || die "stopping job $job_id failed: $answer"

deadline=$((SECONDS + 300))
while :; do
  status="$(rest "$REST_URL/jobs/$job_id/savepoints/$request_id" | tr -d '\n')"
  case "$status" in
    *'"id":"COMPLETED"'*) break ;;
  esac
  [ "$SECONDS" -lt "$deadline" ] || die "the savepoint of job $job_id did not complete within 300 s: $status"
  sleep 0.5
done
location="$(json_field location <<< "$status")"
[ -n "$location" ] || die "the savepoint of job $job_id failed: $status"
echo >&2 "Stopped job $job_id with a savepoint: $location"
echo "$location"
