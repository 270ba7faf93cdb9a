#include "detail/summary_group.hpp"

#include <algorithm>
#include <array>
#include <string>

#include "detail/cell_statistics.hpp"
#include "detail/coordinates.hpp"
#include "detail/h5_create.hpp"
#include "tumen/output/format.hpp"

namespace tumen::output::detail {

namespace {

// The largest read of one H5Dread: replicates are read in groups of about this many bytes.
constexpr std::size_t kReadBufferBytes = std::size_t{256} << 10;

std::size_t product(const std::vector<hsize_t>& dims, std::size_t first_axis) {
  std::size_t count = 1;
  for (std::size_t axis = first_axis; axis < dims.size(); ++axis) {
    count *= static_cast<std::size_t>(dims[axis]);
  }
  return count;
}

// Reads `replicates` replicates from `first_replicate` of the rows [first_row, first_row + rows)
// of the second axis (every later axis whole) into `buffer`.
void read_rows(const ErrorContext& errors, const SummaryInput& input, hsize_t first_replicate,
               hsize_t replicates, hsize_t first_row, hsize_t rows, std::int64_t* buffer) {
  const std::string what = std::string("read /") + input.layout->name + " for /summary";
  std::vector<hsize_t> start(input.dims.size(), 0);
  std::vector<hsize_t> count = input.dims;
  start[0] = first_replicate;
  count[0] = replicates;
  if (input.dims.size() > 1) {
    start[1] = first_row;
    count[1] = rows;
  }
  const Dataspace file_space(errors.check(H5Dget_space(input.dataset), what));
  errors.check(H5Sselect_hyperslab(file_space.id(), H5S_SELECT_SET, start.data(), nullptr,
                                   count.data(), nullptr),
               what);
  // Shaped as the selection, so that HDF5 copies whole rows rather than element by element.
  const Dataspace memory_space = simple_space(errors, count);
  errors.check(H5Dread(input.dataset, H5T_NATIVE_INT64, memory_space.id(), file_space.id(),
                       H5P_DEFAULT, buffer),
               what);
}

// The cells of a dataset, row-major after the replicate axis. A block of cells is read as the
// whole rows (periods) that cover it, a group of replicates per read.
class DatasetCells final : public CellSource {
 public:
  DatasetCells(const ErrorContext& errors, const SummaryInput& input,
               std::vector<std::int64_t>& buffer)
      : errors_(errors), input_(input), buffer_(buffer) {}

  [[nodiscard]] std::size_t cell_count() const override { return product(input_.dims, 1); }
  [[nodiscard]] std::size_t replicate_count() const override {
    return static_cast<std::size_t>(input_.dims[0]);
  }

  void stream(std::size_t first, std::size_t count,
              const std::function<void(const std::int64_t*)>& visit) const override {
    const std::size_t row = product(input_.dims, 2);
    const std::size_t first_row = first / row;
    const std::size_t end_row = (first + count + row - 1) / row;
    const std::size_t covering = (end_row - first_row) * row;
    const std::size_t offset = first - first_row * row;
    const std::size_t replicates = replicate_count();
    const std::size_t group = std::clamp<std::size_t>(
        kReadBufferBytes / (sizeof(std::int64_t) * covering), 1, replicates);
    if (buffer_.size() < group * covering) buffer_.resize(group * covering);
    for (std::size_t replicate = 0; replicate < replicates; replicate += group) {
      const std::size_t size = std::min(group, replicates - replicate);
      read_rows(errors_, input_, replicate, size, first_row, end_row - first_row, buffer_.data());
      for (std::size_t index = 0; index < size; ++index) {
        visit(buffer_.data() + index * covering + offset);
      }
    }
  }

 private:
  const ErrorContext& errors_;
  const SummaryInput& input_;
  std::vector<std::int64_t>& buffer_;
};

// Each replicate's totals over the run: a [replicate, time, X, sex] dataset summed over time and
// sex, one cell per X (event or destination).
class RunTotals final : public CellSource {
 public:
  RunTotals(const ErrorContext& errors, const SummaryInput& input,
            std::vector<std::int64_t>& buffer)
      : errors_(errors), input_(input), buffer_(buffer) {}

  [[nodiscard]] std::size_t cell_count() const override {
    return static_cast<std::size_t>(input_.dims[2]);
  }
  [[nodiscard]] std::size_t replicate_count() const override {
    return static_cast<std::size_t>(input_.dims[0]);
  }

  void stream(std::size_t first, std::size_t count,
              const std::function<void(const std::int64_t*)>& visit) const override {
    (void)count;
    const std::size_t periods = static_cast<std::size_t>(input_.dims[1]);
    const std::size_t kinds = cell_count();
    const std::size_t sexes = static_cast<std::size_t>(input_.dims[3]);
    const std::size_t slab = periods * kinds * sexes;
    const std::size_t replicates = replicate_count();
    const std::size_t group = std::clamp<std::size_t>(
        kReadBufferBytes / (sizeof(std::int64_t) * std::max<std::size_t>(slab, 1)), 1, replicates);
    if (buffer_.size() < group * slab) buffer_.resize(group * slab);
    std::vector<std::int64_t> totals(kinds);
    for (std::size_t replicate = 0; replicate < replicates; replicate += group) {
      const std::size_t size = std::min(group, replicates - replicate);
      if (slab > 0) {
        read_rows(errors_, input_, replicate, size, 0, periods, buffer_.data());
      }
      for (std::size_t index = 0; index < size; ++index) {
        run_totals(buffer_.data() + index * slab, periods, kinds, sexes, totals.data());
        visit(totals.data() + first);
      }
    }
  }

 private:
  const ErrorContext& errors_;
  const SummaryInput& input_;
  std::vector<std::int64_t>& buffer_;
};

// Writes NAME_mean [dims] and NAME_quantile [quantile, dims] and labels their axes.
void write_statistics(const ErrorContext& errors, hid_t target, const Scales& scales,
                      const std::string& name, const std::vector<std::string>& dims,
                      const std::vector<hsize_t>& shape, const CellStatistics& stats,
                      const std::string& long_name, const std::string& units) {
  const bool has_location = std::find(dims.begin(), dims.end(), "location") != dims.end();
  const std::string mean_path = "/summary/" + name + "_mean";
  const Dataset mean = write_float64_array(errors, target, mean_path, shape, stats.mean);
  describe(errors, mean.id(), mean_path, long_name + ": mean across replicates", units);
  for (unsigned axis = 0; axis < dims.size(); ++axis) {
    attach_scale(errors, mean, mean_path, scales.find(dims[axis])->second, dims[axis], axis);
  }

  const std::string quantile_path = "/summary/" + name + "_quantile";
  std::vector<hsize_t> quantile_shape = {summary_probabilities.size()};
  quantile_shape.insert(quantile_shape.end(), shape.begin(), shape.end());
  const Dataset quantile =
      write_float64_array(errors, target, quantile_path, quantile_shape, stats.quantiles);
  describe(errors, quantile.id(), quantile_path,
           long_name + ": quantiles across replicates (numpy's linear method)", units);
  attach_scale(errors, quantile, quantile_path, scales.find("quantile")->second, "quantile", 0);
  for (unsigned axis = 0; axis < dims.size(); ++axis) {
    attach_scale(errors, quantile, quantile_path, scales.find(dims[axis])->second, dims[axis],
                 axis + 1);
  }
  if (has_location) {
    for (const auto& [dataset, path] :
         {std::pair<hid_t, std::string>{mean.id(), mean_path}, {quantile.id(), quantile_path}}) {
      write_string_attribute(errors, dataset, path, "coordinates",
                             "location_kind location_country");
    }
  }
}

}  // namespace

bool has_run_totals(const CounterDataset& layout) {
  const std::string name = layout.name;
  return name == "events" || name == "arrivals";
}

void run_totals(const std::int64_t* slab, std::size_t periods, std::size_t kinds, std::size_t sexes,
                std::int64_t* totals) {
  std::fill(totals, totals + kinds, 0);
  for (std::size_t period = 0; period < periods; ++period) {
    for (std::size_t kind = 0; kind < kinds; ++kind) {
      for (std::size_t sex = 0; sex < sexes; ++sex) {
        totals[kind] += slab[(period * kinds + kind) * sexes + sex];
      }
    }
  }
}

void write_summary_group(const ErrorContext& errors, hid_t target, const RunDescription& run,
                         const std::vector<SummaryInput>& inputs, std::size_t memory_bytes) {
  const Group summary = create_group(errors, target, "/summary");
  describe(errors, summary.id(), "/summary", "statistics across replicates");
  write_number_attribute<std::uint64_t>(errors, summary.id(), "/summary", "replicates",
                                        run.replicate_count());
  write_string_attribute(errors, summary.id(), "/summary", "quantile_method",
                         "linear: numpy.quantile's default; the quantile q of n values lies at "
                         "(n - 1) * q between the sorted values");

  // The group's own coordinates, for the dimensions its datasets use, in the root's order.
  std::vector<std::string> used;
  for (const SummaryInput& input : inputs) {
    used.insert(used.end(), input.layout->dims.begin() + 1, input.layout->dims.end());
  }
  std::vector<std::string> dimensions;
  for (const char* dimension :
       {"time", "location", "destination", "event", "state", "sex", "years_abroad"}) {
    if (std::find(used.begin(), used.end(), dimension) != used.end()) {
      dimensions.emplace_back(dimension);
    }
  }
  Scales scales = write_coordinates(errors, target, "/summary", run, dimensions);
  const std::vector<double> probabilities(summary_probabilities.begin(),
                                          summary_probabilities.end());
  Dataset quantile = write_number_dataset(errors, target, "/summary/quantile", probabilities);
  describe(errors, quantile.id(), "/summary/quantile", "probability of the quantile");
  set_scale(errors, quantile, "/summary/quantile", "quantile");
  scales["quantile"] = std::move(quantile);

  // Reused by every dataset: the largest block is allocated once.
  std::vector<std::int64_t> values;
  std::vector<std::int64_t> read_buffer;
  for (const SummaryInput& input : inputs) {
    const std::vector<std::string> dims(input.layout->dims.begin() + 1, input.layout->dims.end());
    const std::vector<hsize_t> shape(input.dims.begin() + 1, input.dims.end());
    const CellStatistics stats = input.counted != nullptr
                                     ? summarise_counted(*input.counted, probabilities)
                                     : summarise_cells(DatasetCells(errors, input, read_buffer),
                                                       probabilities, memory_bytes, &values);
    write_statistics(errors, target, scales, input.layout->name, dims, shape, stats,
                     input.layout->long_name, input.layout->units);
  }

  // Each replicate's totals over the run, the headline numbers of `tumen run` and `inspect`.
  for (const SummaryInput& input : inputs) {
    const std::string name = input.layout->name;
    if (!has_run_totals(*input.layout)) continue;
    const std::string dimension = name == "events" ? "event" : "destination";
    const CellStatistics stats = input.counted_totals != nullptr
                                     ? summarise_counted(*input.counted_totals, probabilities)
                                     : summarise_cells(RunTotals(errors, input, read_buffer),
                                                       probabilities, memory_bytes, &values);
    write_statistics(errors, target, scales, name == "events" ? "event_totals" : "arrival_totals",
                     {dimension}, {input.dims[2]}, stats,
                     name == "events" ? "events over the whole run, summed over time and sex"
                                      : "arrivals over the whole run, summed over time and sex",
                     input.layout->units);
  }
}

}  // namespace tumen::output::detail
