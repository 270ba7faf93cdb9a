// Replicate packets, the way ranks of an MPI run hand replicates to the single writer (docs/hpc.md,
// "MPI"): a ReplicatePacker made from a writer's encoding plan, and H5Writer::write_packed, give
// the very file that write() gives; every malformed plan or packet is an OutputError that leaves
// the file as it was.
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "output/file_checks.hpp"
#include "synthetic_run.hpp"
#include "tumen/output/h5_reader.hpp"
#include "tumen/output/h5_writer.hpp"
#include "tumen/output/output_error.hpp"
#include "tumen/output/replicate_packer.hpp"

using tumen::ReplicateResult;
using tumen::RunDescription;
using tumen::output::H5Reader;
using tumen::output::H5Writer;
using tumen::output::OutputError;
using tumen::output::ReplicatePacker;
using tumen::output::WriterOptions;
using tumen::output::testing::scratch_directory;
using tumen::output::testing::synthetic_result;
using tumen::output::testing::synthetic_run;

namespace {

void write_directly(const std::filesystem::path& path, const RunDescription& run,
                    const WriterOptions& options) {
  H5Writer writer(path, run, options);
  for (auto r = run.replicate_begin; r < run.replicate_end; ++r) {
    ReplicateResult result = synthetic_result(run, r);
    result.wall_seconds = tumen::output::testing::synthetic_wall_seconds(r);
    writer.write(result);
  }
  writer.finish();
}

// As rank 0 does: the plan goes out, packets come back, in another order than the replicates'.
void write_packets(const std::filesystem::path& path, const RunDescription& run,
                   const WriterOptions& options) {
  H5Writer writer(path, run, options);
  const ReplicatePacker packer(writer.encoding_plan());
  for (auto r = run.replicate_end; r-- > run.replicate_begin;) {
    ReplicateResult result = synthetic_result(run, r);
    result.wall_seconds = tumen::output::testing::synthetic_wall_seconds(r);
    CHECK(writer.write_packed(packer.pack(result)) == r);
  }
  writer.finish();
}

}  // namespace

TEST_CASE("Packets written by write_packed give the file write() gives", "[output][packer]") {
  const auto dir = scratch_directory("packer-identity");
  const RunDescription run = synthetic_run();
  struct Case {
    const char* name;
    WriterOptions options;
  };
  WriterOptions stored;
  stored.compression_level = 0;
  WriterOptions subset;
  subset.outputs = {"route_flow", "events"};
  WriterOptions summary_only;
  summary_only.summary_only = true;
  const std::vector<Case> cases = {{"gzip-4", WriterOptions{}},
                                   {"gzip-0", stored},
                                   {"subset", subset},
                                   {"summary", summary_only}};
  for (const Case& c : cases) {
    SECTION(c.name) {
      const auto direct = dir / (std::string(c.name) + "-direct.h5");
      const auto packed = dir / (std::string(c.name) + "-packed.h5");
      write_directly(direct, run, c.options);
      write_packets(packed, run, c.options);
      std::string report;
      CHECK(tumen::testing::h5diff_without_provenance(direct, packed, &report) == 0);
      INFO(report);
      if (!c.options.summary_only) {
        CHECK(H5Reader(packed).float64_dataset("/provenance/replicate_wall_seconds") ==
              H5Reader(direct).float64_dataset("/provenance/replicate_wall_seconds"));
      }
    }
  }
}

TEST_CASE("A malformed plan or packet is refused and leaves the file as it was",
          "[output][packer]") {
  const auto dir = scratch_directory("packer-refusals");
  const RunDescription run = synthetic_run();
  H5Writer writer(dir / "out.h5", run);
  const std::vector<unsigned char> plan = writer.encoding_plan();
  const ReplicatePacker packer(plan);
  const std::vector<unsigned char> good = packer.pack(synthetic_result(run, run.replicate_begin));

  SECTION("plans") {
    CHECK_THROWS_AS(ReplicatePacker(std::vector<unsigned char>{}), OutputError);
    CHECK_THROWS_AS(ReplicatePacker(std::vector<unsigned char>(plan.begin(), plan.end() - 1)),
                    OutputError);
    std::vector<unsigned char> longer = plan;
    longer.push_back(0);
    CHECK_THROWS_AS(ReplicatePacker(longer), OutputError);
    CHECK_THROWS_AS(ReplicatePacker(good), OutputError);  // a packet is not a plan
  }
  SECTION("results the packer cannot pack") {
    ReplicateResult outside = synthetic_result(run, run.replicate_begin);
    outside.replicate = run.replicate_end;
    CHECK_THROWS_WITH(packer.pack(outside), Catch::Contains("outside the writer's range"));
    ReplicateResult short_counter = synthetic_result(run, run.replicate_begin);
    short_counter.events.pop_back();
    CHECK_THROWS_WITH(packer.pack(short_counter), Catch::Contains("events has"));
  }
  SECTION("packets") {
    CHECK_THROWS_AS(writer.write_packed(std::vector<unsigned char>{}), OutputError);
    CHECK_THROWS_AS(writer.write_packed(std::vector<unsigned char>(good.begin(), good.end() - 1)),
                    OutputError);
    CHECK_THROWS_AS(writer.write_packed(plan), OutputError);  // a plan is not a packet
    std::vector<unsigned char> flipped = good;
    flipped[4] ^= 0x40;  // the replicate number, now far outside the range
    CHECK_THROWS_WITH(writer.write_packed(flipped), Catch::Contains("malformed replicate packet"));
    // A packet of a writer with other outputs does not fit this one's plan.
    WriterOptions subset;
    subset.outputs = {"events"};
    H5Writer other(dir / "other.h5", run, subset);
    const ReplicatePacker other_packer(other.encoding_plan());
    CHECK_THROWS_AS(writer.write_packed(other_packer.pack(synthetic_result(run, 5))), OutputError);
    CHECK(writer.replicates_written() == 0);
    // The good packet still goes in, once.
    CHECK(writer.write_packed(good) == run.replicate_begin);
    CHECK_THROWS_WITH(writer.write_packed(good), Catch::Contains("already written"));
    CHECK(writer.replicates_written() == 1);
  }
}
