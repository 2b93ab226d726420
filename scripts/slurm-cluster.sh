#!/bin/bash
# A one-node Slurm cluster on this machine, entirely inside one directory, for the cluster
# tests and `make bench-cluster` (docs/cluster.md):
#
#   scripts/slurm-cluster.sh start DIR   # munged + slurmctld + slurmd; waits for an idle node
#   scripts/slurm-cluster.sh env DIR     # prints the environment clients need (SLURM_CONF=...)
#   scripts/slurm-cluster.sh stop DIR    # stops exactly the daemons started in DIR (pid files)
#
# Everything (munge key, slurm.conf, state, logs, sockets, pid files) lives in DIR; nothing
# system-wide is touched, and `stop` signals only the pids recorded in DIR, never by name.
# No accounting database (accounting_storage/none), no cgroups (proctrack/linuxproc,
# task/none), so it runs in an unprivileged container as root.
set -eu
# Daemons must not inherit the caller's descriptors beyond 0-2: a caller that waits for the
# end of a pipe or socket its child holds (Foundation's Process does, to detect the exit)
# would otherwise wait for the daemons. Their start-up messages go to log/start.log.
detached() {
    (
        for fd in /proc/$BASHPID/fd/*; do
            fd=${fd##*/}
            if [ "$fd" -gt 2 ] 2>/dev/null; then eval "exec $fd>&-" 2>/dev/null || true; fi
        done
        exec "$@" </dev/null >>"$dir/log/start.log" 2>&1
    )
}
action=${1:?usage: slurm-cluster.sh start|stop|env DIR}
dir=${2:?usage: slurm-cluster.sh start|stop|env DIR}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

conf="$dir/slurm.conf"
munge_socket="$dir/munge/munge.socket"

case "$action" in
env)
    echo "SLURM_CONF=$conf"
    exit 0 ;;
stop)
    # Slurm daemons first (they talk to munged while shutting down), then munged.
    for name in slurmd slurmctld munged; do
        pidfile="$dir/run/$name.pid"
        [ -f "$pidfile" ] || continue
        pid=$(cat "$pidfile")
        if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
            kill -TERM "$pid" 2>/dev/null || true
            i=0
            while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
            if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
        fi
        rm -f "$pidfile"
    done
    exit 0 ;;
start) ;;
*) echo "unknown action '$action' (start, stop, env)" >&2; exit 2 ;;
esac

missing=""
for command in munged mungekey slurmctld slurmd sbatch scontrol; do
    command -v "$command" >/dev/null 2>&1 || missing="$missing $command"
done
if [ -n "$missing" ]; then
    echo "missing commands:$missing (install the Debian packages slurm-wlm and munge: scripts/ensure-deps.sh)" >&2
    exit 3
fi

mkdir -p "$dir/munge" "$dir/run" "$dir/log" "$dir/state/ctld" "$dir/state/d"
chmod 700 "$dir/munge"
[ -f "$dir/munge/munge.key" ] || mungekey --create --keyfile="$dir/munge/munge.key" --bits=1024
chmod 600 "$dir/munge/munge.key"
detached munged --key-file="$dir/munge/munge.key" --socket="$munge_socket" \
    --pid-file="$dir/run/munged.pid" --log-file="$dir/log/munged.log" --seed-file="$dir/munge/munge.seed" \
    --force

# This machine's processors and memory (a little less than all, as slurmd requires RealMemory
# to be at most what it measures).
cpus=$(nproc)
mem=$(awk '/MemTotal/ { printf "%d", $2 / 1024 * 0.9 }' /proc/meminfo)
user=$(id -un)
cat > "$conf" <<EOF
ClusterName=refinery-test
SlurmctldHost=localhost
SlurmUser=$user
SlurmdUser=$user
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$munge_socket
SlurmctldPort=${REFINERY_SLURMCTLD_PORT:-16817}
SlurmdPort=${REFINERY_SLURMD_PORT:-16818}
StateSaveLocation=$dir/state/ctld
SlurmdSpoolDir=$dir/state/d
SlurmctldPidFile=$dir/run/slurmctld.pid
SlurmdPidFile=$dir/run/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
# A job that does not say how much memory it needs gets 1 GB per CPU, not the whole node
# (which would run the tasks of an array one after the other).
DefMemPerCPU=1024
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
MpiDefault=none
ReturnToService=2
SchedulerType=sched/backfill
SchedulerParameters=sched_interval=1
# Scheduling and completing quickly: a test waits for jobs, not for the scheduler.
MinJobAge=300
KillWait=2
InactiveLimit=0
SlurmctldTimeout=30
SlurmdTimeout=30
MessageTimeout=10
NodeName=localhost NodeHostname=localhost NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF
# Sbatch and friends read SLURM_CONF; the daemons take -f.
export SLURM_CONF="$conf"
detached slurmctld -f "$conf" -i
detached slurmd -f "$conf" -N localhost
i=0
while [ $i -lt 300 ]; do
    state=$(scontrol show node localhost 2>/dev/null | sed -n 's/.*State=\([A-Z+_]*\).*/\1/p' | head -1)
    case "$state" in IDLE*|MIXED*|ALLOCATED*) echo "cluster up in $dir (node $state)"; exit 0 ;; esac
    sleep 0.1
    i=$((i + 1))
done
echo "the node did not become idle within 30 s (state '$state'); logs in $dir/log" >&2
exit 4
