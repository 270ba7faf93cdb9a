#!/usr/bin/env bash
# `tumen sweep` in the MPI build against the serial one (label "mpi", docs/sweeps.md "Under
# MPI"): `mpirun -n 1` and `-n 2` (and `-n 3` on a slice) against the serial build's sweep,
# compared with h5diff (every dataset; only the provenance groups, which name the host, the time
# and the command line, are left out); a slice; a sweep stopped by SIGTERM to mpirun and resumed
# under MPI; and the errors, reported once with the contract's exit code, never a hang.
#
# Usage: mpi_sweep_identity.sh MPI_TUMEN SERIAL_TUMEN SOURCE_DIR. A missing mpirun, h5diff or
# serial binary is a failure, not a skip.
set -uo pipefail
mpi_tumen=$1
serial_tumen=$2
source_dir=$3

# The shared helpers (fail, need, ranks, same, exit_code) and the checks of mpirun, h5diff and
# the serial binary; without them the test cannot run, which is a failure too.
source "${BASH_SOURCE[0]%/*}/common.sh" || { echo "FAIL: no tests/mpi/common.sh" >&2; exit 1; }
enter_work_dir tumen-mpi-sweep
grid=$source_dir/scenarios/tests/sweep/grid.toml
hypercube=$source_dir/scenarios/tests/sweep/latin_hypercube.toml

# h5diff of two sweep files without their provenance groups (/provenance, common.sh's same(),
# and each point's).
sweep_same() {
  local name=$1 expected=$2 actual=$3 points=$4
  local excludes=()
  for ((k = 0; k < points; ++k)); do
    excludes+=(--exclude-path "$(printf '/point/%04d/provenance' "$k")")
  done
  same "$name" "$expected" "$actual" "${excludes[@]}"
}

echo "== identity: serial build, mpirun -n 1, -n 2 (grid: 30 points of 3 replicates)"
"$serial_tumen" sweep "$grid" -r 3 -t 2 -o serial.h5 -q
exit_code "serial sweep" 0 $?
for n in 1 2; do
  ranks "$n" sweep "$grid" -r 3 -t 1 -o "n$n.h5" >"n$n.out"
  exit_code "mpirun -n $n" 0 $? && sweep_same "grid -n $n vs serial" serial.h5 "n$n.h5" 30
done
grep -q "^2 ranks: rank 0 ran" n2.out || fail "mpirun -n 2: no line saying who ran what"
cat n2.out

echo "== identity: a slice, a Latin hypercube, gzip 0"
"$serial_tumen" sweep "$grid" --point-range 7:19 -t 2 -o serial-slice.h5 -q
ranks 3 sweep "$grid" --point-range 7:19 -t 1 -o n3-slice.h5 -q
exit_code "slice -n 3" 0 $? && sweep_same "slice 7:19 -n 3 vs serial" serial-slice.h5 n3-slice.h5 30
"$serial_tumen" sweep "$hypercube" -r 5 --compression 0 -o serial-lhs.h5 -q
ranks 2 sweep "$hypercube" -r 5 --compression 0 -t 2 -o n2-lhs.h5 -q
exit_code "hypercube -n 2" 0 $? && sweep_same "hypercube -n 2 -t 2 vs serial" serial-lhs.h5 n2-lhs.h5 5

echo "== --list-points under mpirun prints the points once"
ranks 2 sweep "$grid" --list-points >list.out
exit_code "--list-points -n 2" 0 $?
[ "$(wc -l <list.out)" -eq 31 ] || fail "--list-points -n 2: expected 31 lines, got $(wc -l <list.out)"

echo "== SIGTERM to mpirun leaves a resumable .partial; --resume under MPI finishes it"
# 48 Korea replicates (about 5 s under two ranks on an idle 2-core machine, longer when it is
# busy) so that the SIGTERM sent half a second after the .partial appears always finds the sweep
# running; with 4 a point, an idle machine finished before the signal came.
cat >korea_sweep.toml <<TOML
[sweep]
scenario = "$source_dir/scenarios/korea/baseline.toml"
design = "list"
replicates = 16
seed = 21

[[parameter]]
name = "departure.rate_per_day"
values = [4.0, 6.0, 8.0]
TOML
"$serial_tumen" sweep korea_sweep.toml -t 2 -o serial-korea.h5 -q
exit_code "serial korea sweep" 0 $?
if stop_with_sigterm partial_and_a_half_second sweep sweep korea_sweep.toml -t 1 -o stopped.h5 \
  -q; then
  # Another seed is another sweep: refused (exit code 1), said once, by rank 0 only.
  sed 's/^seed = 21$/seed = 22/' korea_sweep.toml >other_seed.toml
  ranks 2 sweep other_seed.toml -t 1 -o stopped.h5 -q --resume 2>mismatch.err
  exit_code "--resume of another sweep" 1 $?
  expect_one "--resume of another sweep" 'cannot resume' mismatch.err
  ranks 2 sweep korea_sweep.toml -t 1 -o stopped.h5 -q --resume 2>resume.err
  exit_code "--resume -n 2" 0 $? &&
    sweep_same "stopped and resumed -n 2 vs serial" serial-korea.h5 stopped.h5 3
  cat resume.err
  resume_complete sweep korea_sweep.toml -t 1 -o stopped.h5 -q
fi

echo "== bad input under MPI: one message from rank 0, the contract's exit code"
ranks 2 sweep "$work/missing.toml" -o missing.h5 2>missing.err
exit_code "missing sweep file" 1 $?
expect_one "missing sweep file" ': error: ' missing.err
ranks 2 sweep "$grid" --point-range 20:31 -o range.h5 2>range.err
exit_code "--point-range beyond the sweep" 2 $?
grep -q "goes beyond the sweep" range.err || fail "--point-range: no message"
ranks 2 sweep "$grid" -o serial.h5 2>exists.err
exit_code "an existing output without --force" 1 $?

echo "== a rank that resolves a point to another scenario ends the job, never a hang"
# mpirun's MPMD form gives rank 1 the Latin hypercube where rank 0 has the grid.
timeout -k 5 120 mpirun --allow-run-as-root --oversubscribe -n 1 "$mpi_tumen" sweep "$grid" \
  -r 2 -o other.h5 -q : -n 1 "$mpi_tumen" sweep "$hypercube" -r 2 -o other.h5 -q 2>other.err
exit_code "another sweep on rank 1" 1 $?
grep -q "rank 1: error: point 0 of .* resolves to another scenario here than on rank 0" \
  other.err || fail "another sweep on rank 1: no message"
[ -f other.h5 ] && fail "another sweep on rank 1: other.h5 was finished"

if [ "$failures" -gt 0 ]; then
  echo "$failures failure(s)" >&2
  exit 1
fi
echo "all MPI sweep checks passed"
