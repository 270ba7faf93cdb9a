# The preamble the MPI tests share (mpi_identity.sh, mpi_sweep_identity.sh, mpi_calibrate.sh):
# sourced after the test has set mpi_tumen, serial_tumen and source_dir from its arguments.
# A missing mpirun, h5diff or serial binary is a failure, not a skip: a skip would let CI pass
# without ever comparing the MPI build with the serial one.

failures=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}
need() {
  if ! command -v "$1" >/dev/null; then
    echo "FAIL: $1 is not on PATH; $2" >&2
    exit 1
  fi
}

# The checks every MPI test needs, then a fresh work folder (removed on exit) as the current
# directory; PREFIX names the folder.
enter_work_dir() {
  local prefix=$1
  need mpirun "install openmpi-bin (scripts/bootstrap)"
  need h5diff "install hdf5-tools (scripts/bootstrap)"
  if [ ! -x "$serial_tumen" ]; then
    echo "FAIL: no serial tumen at $serial_tumen: build the release preset first" \
      "(cmake --preset release && cmake --build --preset release), or set TUMEN_SERIAL_TUMEN" >&2
    exit 1
  fi
  work=$(mktemp -d "${TMPDIR:-/tmp}/$prefix.XXXXXX")
  trap 'rm -rf "$work"' EXIT
  cd "$work" || exit 1
}

# Every process of a test gets at most 120 s: a hang is a failure, never a stuck CI job.
ranks() {
  local count=$1
  shift
  timeout -k 5 120 mpirun --allow-run-as-root --oversubscribe -n "$count" "$mpi_tumen" "$@"
}
# mpirun, signalled, can return before its ranks have exited: CI saw rank 0 still holding the
# HDF5 lock of the .partial when the next job started, and a rank left running can close and
# reopen the file (a calibration writes each generation). Waits, at most 60 s, until no process
# of the MPI build's tumen writing OUTPUT is left; one still running then is a failure.
wait_for_ranks_to_exit() {
  local output=$1 command
  for _ in $(seq 1 600); do
    local running=0
    for cmdline in /proc/[0-9]*/cmdline; do
      command=$(tr '\0' ' ' <"$cmdline" 2>/dev/null) || continue
      if [[ "$command" == "$mpi_tumen "* && "$command" == *" -o $output "* ]]; then
        running=1
        break
      fi
    done
    [ "$running" -eq 0 ] && return 0
    sleep 0.1
  done
  fail "a rank writing $output is still running 60 s after mpirun exited"
  return 1
}
# stop_with_sigterm READY WHAT ARGS...: runs `mpirun -n 2 tumen ARGS...` in the background
# (stderr to stop.err; ARGS write stopped.h5), waits at most 30 s until the command READY
# succeeds, sends mpirun SIGTERM and waits for it and its ranks. Succeeds when that left a
# resumable stopped.h5.partial, no stopped.h5, and a non-zero exit code; otherwise reports the
# failure (WHAT names the stopped command) and fails.
stop_with_sigterm() {
  local ready=$1 what=$2
  shift 2
  timeout -k 5 120 mpirun --allow-run-as-root --oversubscribe -n 2 "$mpi_tumen" "$@" \
    2>stop.err &
  local mpirun_pid=$!
  for _ in $(seq 1 600); do
    "$ready" && break
    sleep 0.05
  done
  kill -TERM "$mpirun_pid"
  wait "$mpirun_pid"
  local stopped_code=$?
  wait_for_ranks_to_exit stopped.h5
  if [ -f stopped.h5 ] || [ ! -f stopped.h5.partial ]; then
    fail "SIGTERM: expected stopped.h5.partial and no stopped.h5 (exit code $stopped_code)"
    cat stop.err >&2
    return 1
  elif [ "$stopped_code" -eq 0 ]; then
    fail "SIGTERM: mpirun exited with 0 though the $what was stopped"
    return 1
  fi
  echo "ok: SIGTERM left stopped.h5.partial (mpirun exit code $stopped_code)"
}
# A READY for stop_with_sigterm: half a second after the .partial appears, so that the signal
# finds the work running, with some of it written.
partial_and_a_half_second() {
  [ -f stopped.h5.partial ] && sleep 0.5
}
# h5diff of two files without /provenance (it names the host, the time and the command line);
# more h5diff options (other --exclude-path) may follow.
same() {
  local name=$1 expected=$2 actual=$3
  shift 3
  if [ ! -f "$actual" ]; then
    fail "$name: $actual was not written"
  elif ! h5diff --exclude-path /provenance "$@" "$expected" "$actual" >"$name.h5diff" 2>&1; then
    fail "$name: $actual differs from $expected:"
    head -20 "$name.h5diff" >&2
  else
    echo "ok: $name"
  fi
}
# expect_one NAME PATTERN FILE: FILE (a job's stderr) has exactly one line matching PATTERN:
# said once, by rank 0, however many ranks there are.
expect_one() {
  local name=$1 pattern=$2 file=$3
  if [ "$(grep -c -- "$pattern" "$file")" -ne 1 ]; then
    fail "$name: expected one line with '$pattern':"
    cat "$file" >&2
    return 1
  fi
}
# resume_complete ARGS...: `tumen ARGS... --resume` on 3 ranks, of an output that is already
# complete, exits with 0 and says so.
resume_complete() {
  ranks 3 "$@" --resume 2>complete.err
  exit_code "--resume of a complete file" 0 $?
  grep -q "already complete" complete.err || fail "--resume of a complete file: no message"
}
exit_code() {
  local name=$1 expected=$2 actual=$3
  if [ "$actual" -ne "$expected" ]; then
    fail "$name: exit code $actual, expected $expected"
    return 1
  fi
}
