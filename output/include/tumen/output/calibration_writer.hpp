#pragma once
// Writes a calibration file: root attributes, /parameter, then /generation/NNNN as each
// generation completes. The file is OUT.h5.partial until finish() renames it, with the same
// discipline as run outputs: a new file is built as OUT.h5.new and renamed to .partial once its
// structure is complete; each generation is written as data, flush, the `complete` attribute,
// flush. A kill at any point leaves the complete generations readable, and resume() continues
// from the last of them.
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "tumen/calibration/abc_smc.hpp"
#include "tumen/output/calibration_identity.hpp"

namespace tumen::output {

class CalibrationWriter {
 public:
  // Creates OUT.h5.partial (replacing any leftover). Throws OutputError.
  CalibrationWriter(std::filesystem::path final_path, const CalibrationIdentity& identity,
                    const CalibrationProvenance& provenance);
  // Opens OUT.h5.partial to continue it. Throws ResumeError when it was written by another
  // calibration (different inputs, seed or tumen) or cannot be read; an incomplete last
  // generation is removed.
  [[nodiscard]] static CalibrationWriter resume(std::filesystem::path final_path,
                                                const CalibrationIdentity& identity,
                                                const CalibrationProvenance& provenance);
  ~CalibrationWriter();
  CalibrationWriter(CalibrationWriter&&) noexcept;
  CalibrationWriter& operator=(CalibrationWriter&&) noexcept;

  // The last complete generation in the file (after resume()), if any.
  [[nodiscard]] const std::optional<calibration::Generation>& last_generation() const;
  [[nodiscard]] const std::filesystem::path& partial_path() const;

  void write_generation(const calibration::Generation& generation);
  // Records why the calibration stopped, then renames the file to its final name.
  void finish(const std::string& stop_reason, const std::string& explanation);

 private:
  CalibrationWriter();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tumen::output
