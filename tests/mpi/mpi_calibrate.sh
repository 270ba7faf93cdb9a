#!/usr/bin/env bash
# `tumen calibrate` under MPI against the serial build (label "mpi", docs/calibration.md "Under
# MPI"): `mpirun -n 1`, `-n 2` and `-n 3` against the serial build's file, compared with
# `h5diff --exclude-path /provenance`; a calibration stopped by SIGTERM to mpirun and resumed
# under MPI; and errors reported once by rank 0, never a hang.
#
# Usage: mpi_calibrate.sh MPI_TUMEN SERIAL_TUMEN SOURCE_DIR. A missing mpirun, h5diff or serial
# binary is a failure, not a skip.
set -uo pipefail
mpi_tumen=$1
serial_tumen=$2
source_dir=$3

# The shared helpers (fail, need, ranks, same, exit_code) and the checks of mpirun, h5diff and
# the serial binary; without them the test cannot run, which is a failure too.
source "${BASH_SOURCE[0]%/*}/common.sh" || { echo "FAIL: no tests/mpi/common.sh" >&2; exit 1; }
enter_work_dir tumen-mpicalib
calibration=$source_dir/scenarios/tests/calibration

# The test calibration (from FOLDER, by default the source's) with absolute paths and the given
# particle and generation counts.
calib_file() {
  local name=$1 particles=$2 generations=$3 folder=${4:-$calibration}
  sed -e "s|^scenario = \"|scenario = \"$folder/|" \
    -e "s|^file = \"|file = \"$folder/|" \
    -e "s|^particles = .*|particles = $particles|" \
    -e "s|^max_generations = .*|max_generations = $generations|" \
    "$calibration/calibration.toml" >"$name"
}


echo "== identity: serial build, mpirun -n 1, -n 2, -n 3 (40 particles, 4 generations)"
calib_file small.toml 40 4
"$serial_tumen" calibrate small.toml -t 2 -o serial.h5 -q
exit_code "serial calibrate" 0 $?
for n in 1 2 3; do
  ranks "$n" calibrate small.toml -t 1 -o "n$n.h5" -q
  exit_code "calibrate -n $n" 0 $? && same "calibrate -n $n vs serial" serial.h5 "n$n.h5"
done
ranks 2 calibrate small.toml -t 2 -o n2t2.h5 -q
exit_code "calibrate -n 2 -t 2" 0 $? && same "calibrate -n 2 -t 2 vs serial" serial.h5 n2t2.h5

echo "== SIGTERM to mpirun leaves a resumable .partial; --resume under MPI finishes it"
calib_file long.toml 200 4
"$serial_tumen" calibrate long.toml -t 2 -o serial-long.h5 -q
exit_code "serial calibrate (long)" 0 $?
# Stop it once the first generation is written, so that the resumed run keeps some and makes
# the others.
first_generation_written() {
  grep -q "generation 0:" stop.err 2>/dev/null
}
if stop_with_sigterm first_generation_written calibration calibrate long.toml -t 1 \
  -o stopped.h5; then
  ranks 2 calibrate long.toml -t 1 -o stopped.h5 --resume 2>resume.err
  exit_code "--resume -n 2" 0 $? && same "stopped and resumed -n 2 vs serial" serial-long.h5 \
    stopped.h5 || { cat stop.err resume.err >&2; }
  grep -q "resuming stopped.h5.partial" resume.err || fail "--resume: no 'resuming' message"
  resume_complete calibrate long.toml -t 1 -o stopped.h5
fi

echo "== bad input under MPI: one message from rank 0, the contract's exit code"
ranks 2 calibrate "$work/missing.toml" -o missing.h5 2>missing.err
exit_code "missing calibration" 1 $?
expect_one "missing calibration" ': error: ' missing.err
ranks 2 calibrate small.toml -o serial.h5 2>exists.err
exit_code "an existing output without --force" 1 $?
# A particle error met on whichever rank evaluates it (here the base scenario edited during the
# calibration, which every rank notices) is reported once, by rank 0, with exit code 1.
cp -r "$calibration" edited
calib_file edited.toml 200 4 "$work/edited"
timeout -k 5 120 mpirun --allow-run-as-root --oversubscribe -n 3 "$mpi_tumen" calibrate \
  edited.toml -t 1 -o edited.h5 2>edited.err &
mpirun_pid=$!
for _ in $(seq 1 600); do
  grep -q "generation 0:" edited.err 2>/dev/null && break
  sleep 0.05
done
echo "# edited during the calibration" >>edited/two_place_years.toml
wait "$mpirun_pid"
exit_code "a scenario edited during the calibration" 1 $?
expect_one "a scenario edited during the calibration" "files changed during the calibration" \
  edited.err
grep -q "complete generations are kept" edited.err ||
  fail "a scenario edited during the calibration: no 'kept' message"

echo "== a rank with another calibration ends the job (MPI_Abort), never a hang"
calib_file other.toml 41 4
timeout -k 5 120 mpirun --allow-run-as-root --oversubscribe -n 1 "$mpi_tumen" calibrate \
  small.toml -o other.h5 -q : -n 1 "$mpi_tumen" calibrate other.toml -o other.h5 -q 2>other.err
exit_code "another calibration on rank 1" 1 $?
grep -q "rank 1: error: .* resolves to another calibration" other.err ||
  fail "another calibration on rank 1: no message"
[ -f other.h5 ] && fail "another calibration on rank 1: other.h5 was finished"

if [ "$failures" -gt 0 ]; then
  echo "$failures failure(s)" >&2
  exit 1
fi
echo "all MPI calibration checks passed"
