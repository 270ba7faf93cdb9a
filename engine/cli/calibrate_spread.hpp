#pragma once
// The hook of `tumen calibrate` for the MPI build (mpi_calibrate.cpp): once every check has
// passed and the output is open, calibrate_command hands this process's evaluator of batches to
// the factory, which returns the evaluator the calibration uses instead (one that spreads the
// batches over the ranks, say). It may raise settings.min_batch so that no rank idles.
#include <functional>

#include "commands.hpp"
#include "tumen/calibration/abc_smc.hpp"
#include "tumen/calibration/calibration_spec.hpp"

namespace tumen::cli {

using BatchEvaluatorFactory = std::function<calibration::BatchEvaluator(
    const calibration::CalibrationSpec& spec, calibration::AbcSmcSettings& settings,
    calibration::BatchEvaluator local)>;

// calibrate_command with the batches evaluated by spread(...) when `spread` is set.
int calibrate_command(const CalibrateArgs& args, const BatchEvaluatorFactory& spread);

}  // namespace tumen::cli
