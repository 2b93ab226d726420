#!/bin/bash
# `make bench-cluster`: on a one-node Slurm cluster started here (scripts/slurm-cluster.sh),
# the wall time of `refinery submit` to the end of its dependent job against a local
# `refinery train` of the same workspace, and Slurm's scheduling overhead per task (an array
# of empty tasks plus a dependent job, the same shape `submit` uses). Prints figures; never
# fails on a timing. Usage: scripts/bench-cluster.sh [BIN] [EVENTS] [TREES]
set -eu
bin=${1:-.build/release}
events=${2:-20000}
trees=${3:-50}
refinery=$(cd "$bin" && pwd)/refinery
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/refinery-bench-cluster.XXXXXX)
cluster="$work/slurm"
trap 'bash "$here/slurm-cluster.sh" stop "$cluster"; rm -rf "$work"' EXIT INT TERM

now() { python3 -c 'import time; print(f"{time.time():.3f}")'; }
elapsed() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.2f}')" "$1" "$2"; }

t0=$(now)
bash "$here/slurm-cluster.sh" start "$cluster" >/dev/null
t1=$(now)
export SLURM_CONF="$cluster/slurm.conf"
cpus=$(nproc)
echo "one-node cluster up in $(elapsed "$t0" "$t1") s ($cpus CPUs); load average $(cut -d' ' -f1-3 /proc/loadavg)"

ws="$work/bench ws"
mkdir -p "$ws"
cat > "$ws/refinery.yaml" <<YAML
schema: 1
name: bench
simulation:
  nominal_events: $events
  alternative_events: $events
  seed: 5
  cross_section_pb: 0.31
learner:
  trees: $trees
systematics:
  - name: lepton
    plugin: LeptonEfficiency
  - name: HF
    plugin: BTagging
    config: {component: HF}
  - name: LF
    plugin: BTagging
    config: {component: LF}
  - name: scale
    plugin: Scale
demo:
  nominal_events: $events
  alternative_events: $events
  trees: $trees
YAML
"$refinery" simulate -w "$ws" >/dev/null 2>&1
cp -R "$ws" "$work/local ws"

t0=$(now)
"$refinery" train -w "$work/local ws" --allow-closure-failure >/dev/null 2>&1
t1=$(now)
local_train=$(elapsed "$t0" "$t1")

wait_for() { # job id: until scontrol no longer says PENDING/RUNNING/COMPLETING
    while scontrol show job -o "$1" 2>/dev/null | grep -Eq 'JobState=(PENDING|RUNNING|COMPLETING|CONFIGURING)'; do sleep 0.1; done
}
t0=$(now)
out=$("$refinery" submit -w "$ws" --cpus-per-task 1 --json)
after=$(printf '%s' "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["afterJob"])')
t1=$(now)
wait_for "$after"
t2=$(now)
state=$(scontrol show job -o "$after" | sed -n 's/.*JobState=\([A-Z]*\).*/\1/p')
tasks=4
compute=$(python3 - "$ws/provenance.sqlite" <<'PY'
import sqlite3, sys
con = sqlite3.connect(sys.argv[1])
rows = con.execute("SELECT (julianday(ended_at) - julianday(started_at)) * 86400, (julianday(max(ended_at) over ()) - julianday(min(started_at) over ())) * 86400 FROM runs WHERE command = 'train' AND job_id IS NOT NULL").fetchall()
print(f"{sum(r[0] for r in rows):.2f} {rows[0][1]:.2f}")
PY
)
sum_tasks=${compute% *}
makespan=${compute#* }

# Slurm alone: the same shape with empty tasks.
n=16
t3=$(now)
array=$(sbatch --parsable --array=0-$((n - 1)) --output=/dev/null --wrap true)
empty=$(sbatch --parsable --dependency=afterok:$array --kill-on-invalid-dep=yes --output=/dev/null --wrap true)
wait_for "$empty"
t4=$(now)
empty_wall=$(elapsed "$t3" "$t4")

echo "workspace: 4 systematics, $events events, $trees trees"
echo "local train (all $cpus cores):              $local_train s"
echo "submit returned after:                      $(elapsed "$t0" "$t1") s"
echo "submit -> dependent job end ($state):       $(elapsed "$t0" "$t2") s  (4 tasks, 1 CPU each, $cpus at a time)"
echo "  tasks' train runs: sum $sum_tasks s, first start to last end $makespan s"
echo "empty array of $n tasks + dependent job:    $empty_wall s  => scheduling overhead $(python3 -c "print(f'{$empty_wall / $n:.3f}')") s per task"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
