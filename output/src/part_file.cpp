#include "tumen/output/part_file.hpp"

#include <algorithm>
#include <string>
#include <utility>

#include "detail/counter_layout.hpp"
#include "tumen/output/h5_reader.hpp"
#include "tumen/output/output_error.hpp"
#include "tumen/output/stored_run.hpp"

namespace tumen::output {

namespace {

// Flags and replicate numbers are checked this many at a time.
constexpr std::size_t kBlockReplicates = 4096;
// How many replicate numbers a header keeps of those not done (for the message).
constexpr std::size_t kNotDoneShown = 10;

class LocalPart final : public PartReader {
 public:
  explicit LocalPart(const std::filesystem::path& path) : file_(path) {
    header_.format_version = file_.format_version();
    header_.run = read_run_description(file_);
    header_.options = read_writer_options(file_);
    header_.finished = file_.exists("/summary");
    check_shapes();
    scan_replicates();
  }

  [[nodiscard]] const PartHeader& header() const override { return header_; }

  void read_replicate(std::uint64_t replicate, ReplicateResult& result) override {
    const RunDescription& run = header_.run;
    if (replicate < run.replicate_begin || replicate >= run.replicate_end) {
      fail("replicate " + std::to_string(replicate) + " is not in its range " +
           to_string(ReplicateRange{run.replicate_begin, run.replicate_end}));
    }
    const std::size_t index = replicate - run.replicate_begin;
    result.replicate = replicate;
    for (const std::string& name : stored_outputs()) {
      const detail::CounterDataset* layout = detail::find_counter(name);
      // The layout's member pointer is const for the writer, which only reads results; `result`
      // itself is not const, so writing through it is well-defined.
      auto& values = const_cast<std::vector<std::int64_t>&>(result.*(layout->values));
      values = file_.int64_replicate("/" + name, index).values;
    }
    result.wall_seconds =
        file_.float64_replicates("/provenance/replicate_wall_seconds", index, 1)[0];
  }

 private:
  [[noreturn]] void fail(const std::string& message) const {
    throw OutputError(file_.path().string() + ": " + message);
  }

  // The counter datasets the part holds: its outputs, unless it is summary-only (then none).
  [[nodiscard]] std::vector<std::string> stored_outputs() const {
    if (header_.options.summary_only) return {};
    return header_.options.outputs;
  }

  void check_shapes() const {
    const RunDescription& run = header_.run;
    const auto expect = [&](const std::string& path, const std::vector<hsize_t>& expected) {
      if (!file_.exists(path)) fail("it has no " + path);
      const std::vector<std::size_t> found = file_.shape(path);
      if (!std::equal(found.begin(), found.end(), expected.begin(), expected.end())) {
        std::string text;
        for (const std::size_t size : found)
          text += (text.empty() ? "" : ", ") + std::to_string(size);
        fail(path + " has the shape [" + text + "], which does not match its coordinates and " +
             "replicate_range");
      }
    };
    const std::vector<hsize_t> replicates{run.replicate_count()};
    expect("/replicate", replicates);
    expect("/replicate_done", replicates);
    expect("/provenance/replicate_wall_seconds", replicates);
    for (const std::string& name : stored_outputs()) {
      expect("/" + name, detail::counter_shape(*detail::find_counter(name), run));
    }
  }

  // Reads /replicate and /replicate_done a block at a time: the numbers must be the range's,
  // and every flag not 1 is counted.
  void scan_replicates() {
    const RunDescription& run = header_.run;
    const std::size_t count = run.replicate_count();
    for (std::size_t first = 0; first < count; first += kBlockReplicates) {
      const std::size_t size = std::min(kBlockReplicates, count - first);
      const Int64Array numbers = file_.int64_replicates("/replicate", first, size);
      const Int64Array done = file_.int64_replicates("/replicate_done", first, size);
      for (std::size_t offset = 0; offset < size; ++offset) {
        const std::uint64_t replicate = run.replicate_begin + first + offset;
        if (numbers.values[offset] != static_cast<std::int64_t>(replicate)) {
          fail("/replicate holds " + std::to_string(numbers.values[offset]) + " at index " +
               std::to_string(first + offset) + ", but its replicate_range " +
               to_string(ReplicateRange{run.replicate_begin, run.replicate_end}) + " says " +
               std::to_string(replicate));
        }
        if (done.values[offset] != 1) {
          if (header_.first_not_done.size() < kNotDoneShown) {
            header_.first_not_done.push_back(replicate);
          }
          ++header_.not_done_count;
        }
      }
    }
  }

  H5Reader file_;
  PartHeader header_;
};

}  // namespace

std::unique_ptr<PartReader> open_part(const std::filesystem::path& part_path) {
  return std::make_unique<LocalPart>(part_path);
}

}  // namespace tumen::output
