#!/usr/bin/env bash
# A real single-node Slurm cluster on this machine, for the cluster tests and for trying
# `saddle-lab submit` by hand. Run as root:  bash scripts/slurm-local.sh start|stop|status
# Needs Debian's slurmctld slurmd slurm-client munge. Idempotent: `start` on a live cluster only
# checks it.
set -euo pipefail
action=${1:-start}
host=$(hostname -s)
conf_dir=/etc/slurm
state=/var/lib/saddle-slurm

say() { echo "slurm-local: $*"; }
fail() { echo "slurm-local: $*" >&2; exit 1; }

node_state() { sinfo -h -N -n "$host" -o '%T' 2>/dev/null | head -n1; }

# Writes slurm.conf.new; the caller decides whether it replaces slurm.conf.
write_conf() {
  mkdir -p "$conf_dir" "$state/ctld" "$state/d" /var/log/slurm
  cat > "$conf_dir/slurm.conf.new" <<CONF
# Written by saddle-lab scripts/slurm-local.sh: one node, this machine.
ClusterName=saddlelab
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
ReturnToService=2
StateSaveLocation=$state/ctld
SlurmdSpoolDir=$state/d
SlurmctldPidFile=$state/slurmctld.pid
SlurmdPidFile=$state/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
# No accounting database here: finished jobs stay visible to scontrol for an hour.
MinJobAge=3600
SchedulerParameters=sched_interval=2
NodeName=$host CPUs=$(nproc) State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
}

# Our own config is refreshed when the machine changed (a new container keeps the file but gets
# another host name or CPU count); a slurm.conf someone else wrote is left alone.
update_conf() {
  if [ -s "$conf_dir/slurm.conf" ] && ! grep -q 'saddle-lab scripts/slurm-local.sh' "$conf_dir/slurm.conf"; then
    say "keeping $conf_dir/slurm.conf (not written by this script)"; return
  fi
  write_conf
  if cmp -s "$conf_dir/slurm.conf.new" "$conf_dir/slurm.conf"; then rm -f "$conf_dir/slurm.conf.new"; return; fi
  mv "$conf_dir/slurm.conf.new" "$conf_dir/slurm.conf"
  say "wrote $conf_dir/slurm.conf for node $host with $(nproc) CPUs"
  # Daemons running on an older config would not see the new node: start them again.
  if pgrep -x slurmctld >/dev/null || pgrep -x slurmd >/dev/null; then
    pkill -x slurmd || true; pkill -x slurmctld || true
    for _ in $(seq 1 20); do pgrep -x slurmctld >/dev/null || pgrep -x slurmd >/dev/null || break; sleep 0.5; done
  fi
}

start_munge() {
  if munge -n </dev/null 2>/dev/null | unmunge >/dev/null 2>&1; then return; fi
  if [ ! -s /etc/munge/munge.key ]; then
    say "creating a munge key"
    mkdir -p /etc/munge
    dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
  fi
  mkdir -p /run/munge /var/lib/munge /var/log/munge
  chown munge:munge /etc/munge /etc/munge/munge.key /run/munge /var/lib/munge /var/log/munge
  chmod 0700 /etc/munge; chmod 0400 /etc/munge/munge.key; chmod 0755 /run/munge
  say "starting munged"
  runuser -u munge -- /usr/sbin/munged
  munge -n </dev/null | unmunge >/dev/null || fail "munged does not answer"
}

case "$action" in
  start)
    command -v slurmctld >/dev/null || fail "slurmctld is not installed (apt-get install slurmctld slurmd slurm-client munge)"
    start_munge
    update_conf
    pgrep -x slurmctld >/dev/null || { say "starting slurmctld"; slurmctld; }
    pgrep -x slurmd >/dev/null || { say "starting slurmd"; slurmd; }
    for _ in $(seq 1 60); do
      s=$(node_state || true)
      case "$s" in idle*|mixed*|allocated*) say "node $host is $s"; exit 0 ;; esac
      case "$s" in down*|drain*) scontrol update nodename="$host" state=resume >/dev/null 2>&1 || true ;; esac
      sleep 1
    done
    tail -n 20 /var/log/slurm/slurmctld.log /var/log/slurm/slurmd.log >&2 || true
    fail "node $host did not come up (state: ${s:-none})"
    ;;
  stop)
    pkill -x slurmd || true; pkill -x slurmctld || true; say "stopped" ;;
  status)
    sinfo ;;
  *) fail "usage: slurm-local.sh start|stop|status" ;;
esac
