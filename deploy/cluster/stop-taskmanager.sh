#!/usr/bin/env bash
# Stops TaskManager number N (default 1). With --kill it is killed with SIGKILL, as a crash would (running jobs fail
# over: they restart from their last checkpoint once slots are back, e.g. after start-taskmanager.sh). Idempotent.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

signal=TERM
if [ "${1:-}" = "--kill" ]; then signal=KILL; shift; fi
id="${1:-1}"
case "$id" in *[!0-9]*|'') die "usage: stop-taskmanager.sh [--kill] [N] (N: a number, default 1)" ;; esac
if [ "$signal" = KILL ]; then
  stop_process "TaskManager $id" "$run_dir/taskmanager-$id.pid" KILL
else
  stop_process "TaskManager $id" "$run_dir/taskmanager-$id.pid"
fi
