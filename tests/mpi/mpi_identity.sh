#!/usr/bin/env bash
# The MPI build against the serial one (label "mpi", docs/hpc.md "MPI"): `mpirun -n 2` and
# `-n 3` against `-n 1` against the serial build's tumen, compared with
# `h5diff --exclude-path /provenance`; a run stopped by SIGTERM to mpirun and resumed under MPI;
# and the errors that must reach the user once, with the contract's exit code, never a hang.
#
# Usage: mpi_identity.sh MPI_TUMEN SERIAL_TUMEN SOURCE_DIR. A missing mpirun, h5diff or serial
# binary is a failure, not a skip.
set -uo pipefail
mpi_tumen=$1
serial_tumen=$2
source_dir=$3

# The shared helpers (fail, need, ranks, same, exit_code) and the checks of mpirun, h5diff and
# the serial binary; without them the test cannot run, which is a failure too.
source "${BASH_SOURCE[0]%/*}/common.sh" || { echo "FAIL: no tests/mpi/common.sh" >&2; exit 1; }
enter_work_dir tumen-mpi
korea=$source_dir/scenarios/korea/baseline.toml
broker=$source_dir/scenarios/tests/broker_hub.toml


echo "== identity: serial build, mpirun -n 1, -n 2, -n 3 (korea, 6 replicates)"
"$serial_tumen" run "$korea" -r 6 --seed 11 -t 2 -o serial.h5 -q
exit_code "serial run" 0 $?
for n in 1 2 3; do
  ranks "$n" run "$korea" -r 6 --seed 11 -t 1 -o "n$n.h5" -q
  exit_code "mpirun -n $n" 0 $? && same "korea -n $n vs serial" serial.h5 "n$n.h5"
done
ranks 2 run "$korea" -r 6 --seed 11 -t 2 -o n2t2.h5 -q
exit_code "mpirun -n 2 -t 2" 0 $? && same "korea -n 2 -t 2 vs serial" serial.h5 n2t2.h5

echo "== identity: broker capacity, gzip 0, a subset of outputs, a slice"
options=(-r 5 --seed 4 --compression 0 --outputs events,route_flow,occupancy)
"$serial_tumen" run "$broker" "${options[@]}" -o serial-broker.h5 -q
ranks 2 run "$broker" "${options[@]}" -o n2-broker.h5 -q
exit_code "broker_hub -n 2" 0 $? && same "broker_hub subset -n 2 vs serial" serial-broker.h5 n2-broker.h5
"$serial_tumen" run "$broker" -r 9 --replicate-range 3:8 --seed 4 -o serial-slice.h5 -q
ranks 3 run "$broker" -r 9 --replicate-range 3:8 --seed 4 -o n3-slice.h5 -q
exit_code "slice -n 3" 0 $? && same "slice 3:8 -n 3 vs serial" serial-slice.h5 n3-slice.h5
"$serial_tumen" run "$broker" -r 4 --seed 4 --summary-only -o serial-summary.h5 -q
ranks 2 run "$broker" -r 4 --seed 4 --summary-only -o n2-summary.h5 -q
exit_code "summary-only -n 2" 0 $? && same "summary-only -n 2 vs serial" serial-summary.h5 n2-summary.h5

echo "== SIGTERM to mpirun leaves a resumable .partial; --resume under MPI finishes it"
"$serial_tumen" run "$korea" -r 30 --seed 12 -t 2 -o serial30.h5 -q
if stop_with_sigterm partial_and_a_half_second run run "$korea" -r 30 --seed 12 -t 1 \
  -o stopped.h5 -q; then
  # mpirun, signalled, may tear down its output forwarding before rank 0's last line reaches
  # it: the message is not required, the resumable file (below) is.
  grep -q "interrupted after" stop.err || echo "note: rank 0's 'interrupted after' line did not come through mpirun"
  # The wrong run is refused (exit code 1), said once, by rank 0 only.
  ranks 2 run "$korea" -r 30 --seed 13 -t 1 -o stopped.h5 -q --resume 2>mismatch.err
  exit_code "--resume of another seed" 1 $?
  if expect_one "--resume of another seed" 'cannot resume' mismatch.err; then
    echo "ok: --resume of another seed refused: $(grep 'cannot resume' mismatch.err | head -c 160)"
  fi
  ranks 2 run "$korea" -r 30 --seed 12 -t 1 -o stopped.h5 -q --resume 2>resume.err
  exit_code "--resume -n 2" 0 $? && same "stopped and resumed -n 2 vs serial" serial30.h5 stopped.h5
  grep -q "resuming stopped.h5.partial" resume.err || fail "--resume: no 'resuming' message"
  resume_complete run "$korea" -r 30 --seed 12 -t 1 -o stopped.h5 -q
fi

echo "== bad input under MPI: one message from rank 0, the contract's exit code"
ranks 2 run "$work/missing.toml" -o missing.h5 2>missing.err
exit_code "missing scenario" 1 $?
expect_one "missing scenario" ': error: ' missing.err
ranks 2 run "$korea" -r 3 --replicate-range 2:9 -o range.h5 2>range.err
exit_code "--replicate-range beyond the run" 2 $?
grep -q "goes beyond the run" range.err || fail "--replicate-range: no message"
ranks 2 run "$korea" -r 3 -o serial.h5 2>exists.err
exit_code "an existing output without --force" 1 $?

echo "== a rank that cannot run the same scenario ends the job (MPI_Abort), never a hang"
# mpirun's MPMD form gives rank 1 another scenario than rank 0's.
two_place=$source_dir/scenarios/tests/two_place.toml
timeout -k 5 120 mpirun --allow-run-as-root --oversubscribe -n 1 "$mpi_tumen" run "$two_place" \
  -r 4 -o other.h5 -q : -n 1 "$mpi_tumen" run "$broker" -r 4 -o other.h5 -q 2>other.err
exit_code "another scenario on rank 1" 1 $?
grep -q "rank 1: error: .* resolves to another scenario here than on rank 0" other.err ||
  fail "another scenario on rank 1: no message"
timeout -k 5 120 mpirun --allow-run-as-root --oversubscribe -n 1 "$mpi_tumen" run "$two_place" \
  -r 4 -o gone.h5 -q : -n 1 "$mpi_tumen" run "$work/gone.toml" -r 4 -o gone.h5 -q 2>gone.err
exit_code "no scenario on rank 1" 1 $?
grep -q "rank 1: error: the scenario loaded on rank 0 but not here" gone.err ||
  fail "no scenario on rank 1: no message"
[ -f gone.h5 ] && fail "no scenario on rank 1: gone.h5 was finished"

if [ "$failures" -gt 0 ]; then
  echo "$failures failure(s)" >&2
  exit 1
fi
echo "all MPI checks passed"
