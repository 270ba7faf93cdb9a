// Not a test on its own: writes the files that tests/output/xarray_open.py opens with xarray
// (CTest runs this case as the fixture "output_xarray_file"; it is hidden from a plain run).
#include <catch2/catch.hpp>

#include <cstdint>
#include <filesystem>

#include "synthetic_run.hpp"
#include "tumen/output/h5_writer.hpp"

namespace {

void write_run(const std::filesystem::path& path, const tumen::RunDescription& run) {
  tumen::output::H5Writer writer(path, run);
  for (std::uint64_t replicate = run.replicate_begin; replicate < run.replicate_end; ++replicate) {
    writer.write(tumen::output::testing::synthetic_result(run, replicate));
  }
  writer.finish();
}

}  // namespace

TEST_CASE("Write the files for xarray_open.py", "[.][xarray_file]") {
  const std::filesystem::path folder = tumen::output::testing::scratch_directory("xarray");
  tumen::RunDescription run = tumen::output::testing::synthetic_run();
  write_run(folder / "run.h5", run);
  run.routes.clear();
  run.set_overrides.clear();
  write_run(folder / "no_routes.h5", run);
  CHECK(std::filesystem::exists(folder / "run.h5"));
  CHECK(std::filesystem::exists(folder / "no_routes.h5"));
}
