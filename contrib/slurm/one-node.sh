#!/usr/bin/env bash
# A one-node Slurm cluster on this machine, for tests: `one-node.sh start DIR` writes slurm.conf
# and cgroup.conf under DIR, starts munged, slurmctld and slurmd (as root; Debian's slurm-wlm
# 22.05 and munge), waits until the node is idle and prints `export SLURM_CONF=DIR/slurm.conf`;
# `one-node.sh stop DIR` stops them. State, spool, logs and the munge socket stay under DIR.
# What works here (slurm 22.05 in a container without systemd): proctrack/linuxproc,
# task/none, CgroupPlugin=autodetect with IgnoreSystemd=yes (CgroupPlugin=disabled does not
# load), no accounting (wait with squeue/scontrol, not sacct).
set -euo pipefail

cmd=${1:?usage: one-node.sh start|stop DIR}
dir=$(mkdir -p "${2:?usage: one-node.sh start|stop DIR}" && cd "$2" && pwd)
conf="$dir/slurm.conf"

stop() {
  for pid in "$dir/slurmd.pid" "$dir/slurmctld.pid" "$dir/munged.pid"; do
    if [ -f "$pid" ]; then kill "$(cat "$pid")" 2>/dev/null || true; fi
  done
}

case "$cmd" in
stop)
  stop
  exit 0
  ;;
start) ;;
*)
  echo "usage: one-node.sh start|stop DIR" >&2
  exit 2
  ;;
esac

for bin in munged slurmctld slurmd sbatch squeue scontrol; do
  command -v "$bin" >/dev/null || { echo "error: $bin not found (apt-get install slurm-wlm munge)" >&2; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "error: the test cluster runs its daemons as root" >&2; exit 1; }

host=$(hostname -s)
cpus=$(nproc)
mem=$(($(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 512))
# Ports of our own, so that a Slurm already on the machine is not disturbed.
port=$((20000 + RANDOM % 20000))
mkdir -p "$dir/state" "$dir/spool" "$dir/munge"

cat >"$conf" <<EOF
ClusterName=allywar-test
SlurmctldHost=$host
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$dir/munge/munge.socket
CredType=cred/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
NodeName=$host CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP OverSubscribe=NO
EOF
printf 'CgroupPlugin=autodetect\nIgnoreSystemd=yes\n' >"$dir/cgroup.conf"

munged --socket="$dir/munge/munge.socket" --pid-file="$dir/munged.pid" --log-file="$dir/munged.log" \
  --seed-file="$dir/munge/seed" --force
export SLURM_CONF="$conf"
slurmctld -f "$conf"
slurmd -f "$conf"

# Up when the node answers idle (slurmd registers within seconds).
for _ in $(seq 1 60); do
  if state=$(sinfo -h -N -o '%T' 2>/dev/null) && [ "$state" = idle ]; then
    echo "export SLURM_CONF=$conf"
    exit 0
  fi
  sleep 1
done
echo "error: the test cluster did not come up; logs under $dir:" >&2
tail -n 20 "$dir/slurmctld.log" "$dir/slurmd.log" >&2 || true
stop
exit 1
