# shellcheck shell=bash
# Shifts the clock of every process started after `aigc_shift_clock` with
# Debian's libfaketime (installed when missing). The shift is relative
# (FAKETIME="+Ns"), so the test runner, its workers, the engines they start
# and the PostgreSQL server all read the same shifted time, and it runs on.
# Monotonic clocks are left alone: timeouts measure real durations.

aigc_faketime_lib() { echo /usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1; }

aigc_ensure_faketime() {
  if [ ! -f "$(aigc_faketime_lib)" ]; then
    echo "aigc: installing libfaketime (Debian package faketime)" >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq faketime >&2
  fi
}

# libfaketime keeps a semaphore and a shared memory segment per process in
# /dev/shm, named by its pid, and a process killed hard leaves them behind.
# A later process of another user (PostgreSQL's) that gets the same pid
# cannot open them and exits. Removes those of processes that are gone.
aigc_clean_faketime_shm() {
  local file pid
  for file in /dev/shm/faketime_shm_* /dev/shm/sem.faketime_sem_*; do
    [ -e "$file" ] || continue
    pid="${file##*_}"
    kill -0 "$pid" 2>/dev/null || rm -f "$file"
  done
}

# Usage: aigc_shift_clock <instant> <time zone>, e.g. '2027-03-28T01:59:30+01:00' Europe/Berlin.
# Exports the variables; run it in a subshell to undo it.
aigc_shift_clock() {
  local target now
  target="$(date -d "$1" +%s)" || return 1
  now="$(date +%s)"
  export TZ="$2"
  export FAKETIME="$(printf '%+ds' $((target - now)))"
  export FAKETIME_DONT_FAKE_MONOTONIC=1
  export LD_PRELOAD="$(aigc_faketime_lib)${LD_PRELOAD:+:$LD_PRELOAD}"
}
