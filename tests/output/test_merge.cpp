// plan_merge and write_merge on synthetic parts: every value lands where a single run puts it,
// at most one part is open at a time, and every read of a part goes through the PartOpener.
#include <catch2/catch.hpp>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "file_checks.hpp"
#include "synthetic_run.hpp"
#include "tumen/output/h5_reader.hpp"
#include "tumen/output/h5_writer.hpp"
#include "tumen/output/merge.hpp"
#include "tumen/output/part_file.hpp"

namespace {

using tumen::ReplicateResult;
using tumen::RunDescription;
using tumen::output::H5Reader;
using tumen::output::H5Writer;
using tumen::output::MergeRefused;
using tumen::output::PartHeader;
using tumen::output::PartOpener;
using tumen::output::PartReader;
using tumen::output::testing::Counter;
using tumen::output::testing::scratch_directory;
using tumen::output::testing::synthetic_result;
using tumen::output::testing::synthetic_run;
using tumen::output::testing::synthetic_value;
using tumen::output::testing::synthetic_wall_seconds;
namespace fs = std::filesystem;

// Writes replicates [begin, end) of the synthetic run of 10 to `path`.
void write_part(const fs::path& path, std::uint64_t begin, std::uint64_t end) {
  RunDescription run = synthetic_run();
  run.replicate_begin = begin;
  run.replicate_end = end;
  H5Writer writer(path, run);
  for (std::uint64_t replicate = begin; replicate < end; ++replicate) {
    writer.write(synthetic_result(run, replicate));
  }
  writer.finish();
}

// A PartOpener around open_part() that counts the parts open at once.
struct OpenCounter {
  int open = 0;
  int most_open = 0;
  int opened = 0;
};

class CountedPart final : public PartReader {
 public:
  CountedPart(std::unique_ptr<PartReader> part, OpenCounter& counter)
      : part_(std::move(part)), counter_(counter) {
    counter_.most_open = std::max(counter_.most_open, ++counter_.open);
    ++counter_.opened;
  }
  ~CountedPart() override { --counter_.open; }
  CountedPart(const CountedPart&) = delete;
  CountedPart& operator=(const CountedPart&) = delete;
  [[nodiscard]] const PartHeader& header() const override { return part_->header(); }
  void read_replicate(std::uint64_t replicate, ReplicateResult& result) override {
    part_->read_replicate(replicate, result);
  }

 private:
  std::unique_ptr<PartReader> part_;
  OpenCounter& counter_;
};

PartOpener counted(OpenCounter& counter) {
  return [&counter](const fs::path& path) -> std::unique_ptr<PartReader> {
    return std::make_unique<CountedPart>(tumen::output::open_part(path), counter);
  };
}

}  // namespace

TEST_CASE("write_merge puts every value of every part where a single run puts it", "[merge]") {
  const fs::path folder = scratch_directory("merge-values");
  write_part(folder / "c.h5", 7, 10);
  write_part(folder / "a.h5", 0, 4);
  write_part(folder / "b.h5", 4, 7);

  OpenCounter counter;
  tumen::output::MergePlan plan = tumen::output::plan_merge(
      {folder / "c.h5", folder / "a.h5", folder / "b.h5"}, counted(counter));
  REQUIRE(plan.parts.size() == 3);
  CHECK(plan.parts[0].path == folder / "a.h5");
  CHECK(plan.parts[2].range.begin == 7);
  CHECK(plan.run.replicate_begin == 0);
  CHECK(plan.run.replicate_end == 10);
  CHECK(plan.run.locations == synthetic_run().locations);
  CHECK(plan.run.scenario_files.size() == synthetic_run().scenario_files.size());
  plan.run.command_line = "test merge";
  std::uint64_t last_count = 0;
  tumen::output::write_merge(plan, folder / "merged.h5", counted(counter),
                             [&](std::uint64_t written) { last_count = written; });
  CHECK(last_count == 10);
  CHECK(counter.opened == 6);  // each part once to plan, once to copy
  CHECK(counter.most_open == 1);
  CHECK(counter.open == 0);

  const H5Reader merged(folder / "merged.h5");
  CHECK(merged.string_attribute("replicate_range") == "0:10");
  CHECK(merged.replicate_done() == std::vector<std::uint8_t>(10, 1));
  CHECK(merged.uint64_attribute("/summary", "replicates") == 10);
  const auto wall = merged.float64_dataset("/provenance/replicate_wall_seconds");
  for (std::uint64_t replicate = 0; replicate < 10; ++replicate) {
    CHECK(wall[replicate] == synthetic_wall_seconds(replicate));
    const auto events = merged.int64_replicate("/events", replicate);
    for (std::size_t index = 0; index < events.values.size(); ++index) {
      CHECK(events.values[index] == synthetic_value(Counter::events, replicate, index));
    }
    const auto flows = merged.int64_replicate("/route_flow", replicate);
    for (std::size_t index = 0; index < flows.values.size(); ++index) {
      CHECK(flows.values[index] == synthetic_value(Counter::route_flow, replicate, index));
    }
  }

  // The same replicates written by one writer: the same file.
  write_part(folder / "single.h5", 0, 10);
  std::string report;
  const int differs = tumen::testing::h5diff_without_provenance(folder / "single.h5",
                                                                folder / "merged.h5", &report);
  INFO(report);
  CHECK(differs == 0);
}

TEST_CASE("plan_merge reads parts only through its PartOpener", "[merge]") {
  const fs::path folder = scratch_directory("merge-opener");
  write_part(folder / "a.h5", 0, 5);
  write_part(folder / "b.h5", 5, 10);
  const PartOpener refusing = [](const fs::path& path) -> std::unique_ptr<PartReader> {
    if (path.filename() == "b.h5") {
      throw tumen::output::OutputError(path.string() + ": refused by the isolation layer");
    }
    return tumen::output::open_part(path);
  };
  try {
    (void)tumen::output::plan_merge({folder / "a.h5", folder / "b.h5"}, refusing);
    FAIL("plan_merge accepted a part its opener refused");
  } catch (const MergeRefused& refused) {
    REQUIRE(refused.problems().size() == 2);
    CHECK(refused.problems()[0].file == folder / "b.h5");
    CHECK(refused.problems()[0].message == "refused by the isolation layer");
    CHECK(refused.problems()[1].message.starts_with(
        "replicates 5:10 of the run's 10 are in no part"));
  }
}
