// H5Reader: it must refuse, with a message naming the file and the reason, anything that is not
// a complete tumen file it understands.
#include "tumen/output/h5_reader.hpp"

#include <hdf5.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "detail/h5_handle.hpp"
#include "synthetic_run.hpp"
#include "tumen/output/h5_writer.hpp"
#include "tumen/output/output_error.hpp"

namespace {

using tumen::RunDescription;
using tumen::output::H5Reader;
using tumen::output::H5Writer;
using tumen::output::OutputError;
using tumen::output::testing::scratch_directory;
using tumen::output::testing::synthetic_result;
using tumen::output::testing::synthetic_run;
namespace detail = tumen::output::detail;

std::filesystem::path write_valid_file(const std::filesystem::path& path) {
  const tumen::RunDescription run = synthetic_run();
  H5Writer writer(path, run);
  for (std::uint64_t replicate = 4; replicate < 7; ++replicate) {
    writer.write(synthetic_result(run, replicate));
  }
  writer.finish();
  return path;
}

// Replaces a root attribute of an existing file with a scalar of another value or type.
void overwrite_root_attribute(const std::filesystem::path& path, const char* name, hid_t file_type,
                              hid_t memory_type, const void* value) {
  const detail::File file(H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT));
  REQUIRE(file.is_open());
  if (H5Aexists(file.id(), name) > 0) REQUIRE(H5Adelete(file.id(), name) >= 0);
  if (file_type < 0) return;  // delete only
  const detail::Dataspace space(H5Screate(H5S_SCALAR));
  const detail::Attribute attribute(
      H5Acreate2(file.id(), name, file_type, space.id(), H5P_DEFAULT, H5P_DEFAULT));
  REQUIRE(attribute.is_open());
  REQUIRE(H5Awrite(attribute.id(), memory_type, value) >= 0);
}

std::filesystem::path partial(std::filesystem::path path) {
  return path += ".partial";
}

void write_bytes(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

}  // namespace

TEST_CASE("H5Reader opens a tumen file", "[output][reader]") {
  const std::filesystem::path path = write_valid_file(scratch_directory("reader_valid") / "run.h5");
  const H5Reader file(path);
  CHECK(file.path() == path);
  CHECK(file.format_version() == 1);
  CHECK(file.exists("/events"));
  CHECK(file.exists("/provenance/replicate_wall_seconds"));
  CHECK(file.exists("/summary"));
  CHECK(file.exists("/summary/events_mean"));
  CHECK_FALSE(file.exists("/no/such/group"));
  CHECK(file.has_attribute("/", "seed"));
  CHECK_FALSE(file.has_attribute("/", "no_such_attribute"));
  CHECK_FALSE(file.has_attribute("/no_such_object", "units"));

  const std::string prefix = path.string() + ": ";
  CHECK_THROWS_MATCHES(file.string_attribute("seed"), OutputError,
                       Catch::Matchers::Message(prefix + "attribute 'seed' of / is not a string"));
  CHECK_THROWS_MATCHES(
      file.uint64_attribute("period"), OutputError,
      Catch::Matchers::Message(prefix + "attribute 'period' of / is not an integer"));
  CHECK_THROWS_MATCHES(file.int64_attribute("seed"), OutputError,
                       Catch::Matchers::Message(prefix + "attribute 'seed' of / is too large: "
                                                         "18446744073709551557"));
  CHECK_THROWS_MATCHES(file.string_attribute("nothing"), OutputError,
                       Catch::Matchers::Message(prefix + "no attribute 'nothing' of /"));
  CHECK_THROWS_MATCHES(file.int64_dataset("/no_such_dataset"), OutputError,
                       Catch::Matchers::Message(prefix + "no dataset /no_such_dataset"));
  CHECK_THROWS_MATCHES(file.int64_dataset("/event"), OutputError,
                       Catch::Matchers::Message(prefix + "/event is not an integer dataset"));
  CHECK_THROWS_MATCHES(file.strings("/events"), OutputError,
                       Catch::Matchers::Message(prefix + "/events is not a string dataset"));
  CHECK_THROWS_WITH(file.int64_replicate("/events", 3),
                    Catch::Matchers::EndsWith("replicate index 3 is beyond /events's first axis"));
}

TEST_CASE("Int64Array::at indexes row-major and checks bounds", "[output][reader]") {
  const tumen::output::Int64Array array{{2, 3}, {0, 1, 2, 10, 11, 12}};
  CHECK(array.at({0, 2}) == 2);
  CHECK(array.at({1, 0}) == 10);
  CHECK_THROWS_AS(array.at({2, 0}), std::out_of_range);
  CHECK_THROWS_AS(array.at({0}), std::out_of_range);
}

TEST_CASE("H5Reader rejects files it cannot trust", "[output][reader]") {
  const std::filesystem::path folder = scratch_directory("reader_rejects");

  SECTION("a missing path") {
    const std::filesystem::path path = folder / "absent.h5";
    CHECK_THROWS_MATCHES(H5Reader(path), OutputError,
                         Catch::Matchers::Message(path.string() + ": no such file"));
  }
  SECTION("a folder") {
    CHECK_THROWS_MATCHES(
        H5Reader(folder), OutputError,
        Catch::Matchers::Message(folder.string() + ": is a directory, not a file"));
  }
  SECTION("a file that is not HDF5") {
    const std::filesystem::path path = folder / "scenario.toml";
    write_bytes(path, "name = \"korea\"\n");
    CHECK_THROWS_MATCHES(H5Reader(path), OutputError,
                         Catch::Matchers::Message(path.string() + ": not an HDF5 file"));
  }
  SECTION("an empty file") {
    const std::filesystem::path path = folder / "empty.h5";
    write_bytes(path, "");
    CHECK_THROWS_MATCHES(H5Reader(path), OutputError,
                         Catch::Matchers::Message(path.string() + ": not an HDF5 file"));
  }
  SECTION("a truncated file") {
    const std::filesystem::path whole = write_valid_file(folder / "whole.h5");
    const std::filesystem::path path = folder / "truncated.h5";
    std::filesystem::copy_file(whole, path);
    std::filesystem::resize_file(path, std::filesystem::file_size(whole) / 2);
    // HDF5's innermost reason says what is wrong, not just that opening failed.
    CHECK_THROWS_WITH(H5Reader(path),
                      Catch::Matchers::StartsWith(path.string() + ": cannot open the file: ") &&
                          Catch::Matchers::Contains("truncated file"));
  }
  SECTION("an HDF5 file without a format attribute") {
    const std::filesystem::path path = folder / "plain.h5";
    {
      const detail::File file(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT));
      REQUIRE(file.is_open());
    }
    CHECK_THROWS_MATCHES(
        H5Reader(path), OutputError,
        Catch::Matchers::Message(
            path.string() + ": not a tumen output file (it has no root attribute \"format\")"));
  }
  SECTION("an HDF5 file of another format") {
    const std::filesystem::path path = write_valid_file(folder / "other.h5");
    // A fixed-length ASCII string, as other tools write it.
    const detail::Datatype type(H5Tcopy(H5T_C_S1));
    REQUIRE(H5Tset_size(type.id(), 6) >= 0);
    overwrite_root_attribute(path, "format", type.id(), type.id(), "netCDF");
    CHECK_THROWS_MATCHES(
        H5Reader(path), OutputError,
        Catch::Matchers::Message(
            path.string() + ": not a tumen output file (its format is \"netCDF\", not \"tumen\")"));
  }
  SECTION("a format attribute that is not a string") {
    const std::filesystem::path path = write_valid_file(folder / "numeric_format.h5");
    const int value = 1;
    overwrite_root_attribute(path, "format", H5T_STD_I32LE, H5T_NATIVE_INT, &value);
    CHECK_THROWS_WITH(H5Reader(path), Catch::Matchers::EndsWith(
                                          "not a tumen output file (its root attribute \"format\" "
                                          "is not a string)"));
  }
  SECTION("a tumen file without format_version") {
    const std::filesystem::path path = write_valid_file(folder / "no_version.h5");
    overwrite_root_attribute(path, "format_version", -1, -1, nullptr);
    CHECK_THROWS_WITH(H5Reader(path),
                      Catch::Matchers::EndsWith("(it has no root attribute \"format_version\")"));
  }
  SECTION("a newer format_version") {
    const std::filesystem::path path = write_valid_file(folder / "version2.h5");
    const int version = 2;
    overwrite_root_attribute(path, "format_version", H5T_STD_I32LE, H5T_NATIVE_INT, &version);
    CHECK_THROWS_MATCHES(
        H5Reader(path), OutputError,
        Catch::Matchers::Message(path.string() +
                                 ": format_version 2 is newer than this tumen understands (1)"));
  }
  SECTION("format_version 0") {
    const std::filesystem::path path = write_valid_file(folder / "version0.h5");
    const std::uint8_t version = 0;
    overwrite_root_attribute(path, "format_version", H5T_STD_U8LE, H5T_NATIVE_UINT8, &version);
    CHECK_THROWS_MATCHES(
        H5Reader(path), OutputError,
        Catch::Matchers::Message(path.string() + ": not a tumen output file (format_version 0)"));
  }
}

TEST_CASE("H5Reader says when a running writer holds the file", "[output][reader]") {
  // The writer runs in a child process, as `tumen run` beside a `tumen inspect`: within one
  // process HDF5 would hand the writer's open file back to the reader instead of locking it.
  const RunDescription run = synthetic_run();
  const std::filesystem::path path = scratch_directory("reader_locked") / "run.h5";
  int written[2];
  int release[2];
  REQUIRE(pipe(written) == 0);
  REQUIRE(pipe(release) == 0);
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    char signal = 'x';
    try {
      H5Writer writer(path, run);
      writer.write(synthetic_result(run, 4));
      signal = 'w';
      (void)!write(written[1], &signal, 1);
      (void)!read(release[0], &signal, 1);  // keep the file open until the parent has tried
    } catch (...) {
      (void)!write(written[1], &signal, 1);
    }
    _exit(0);
  }
  char signal = 0;
  REQUIRE(read(written[0], &signal, 1) == 1);
  REQUIRE(signal == 'w');
  CHECK_THROWS_WITH(
      H5Reader(partial(path)),
      Catch::Matchers::StartsWith(partial(path).string() +
                                  ": cannot open the file: unable to lock file") &&
          Catch::Matchers::EndsWith("(another process, such as a running tumen, is writing it)"));
  REQUIRE(write(release[1], &signal, 1) == 1);
  int status = 0;
  REQUIRE(waitpid(child, &status, 0) == child);
  for (const int end : {written[0], written[1], release[0], release[1]}) close(end);
  // Once the writer is gone the .partial opens, with the replicate it flushed.
  CHECK(H5Reader(partial(path)).replicate_done() == std::vector<std::uint8_t>{1, 0, 0});
}

namespace {

// Adds an empty chunked dataset of `dims` to an existing file: HDF5 stores nothing until data is
// written, so any declared size costs nothing on disk, as in a damaged or hostile file.
void add_empty_dataset(const std::filesystem::path& path, const char* name, hid_t type,
                       const std::vector<hsize_t>& dims) {
  const detail::File file(H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT));
  REQUIRE(file.is_open());
  const detail::Dataspace space(
      H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr));
  const detail::PropertyList create(H5Pcreate(H5P_DATASET_CREATE));
  std::vector<hsize_t> chunk;
  for (const hsize_t size : dims) chunk.push_back(std::min<hsize_t>(size, 16));
  REQUIRE(H5Pset_chunk(create.id(), static_cast<int>(chunk.size()), chunk.data()) >= 0);
  const detail::Dataset dataset(
      H5Dcreate2(file.id(), name, type, space.id(), H5P_DEFAULT, create.id(), H5P_DEFAULT));
  REQUIRE(dataset.is_open());
}

}  // namespace

TEST_CASE("H5Reader refuses reads larger than max_read_bytes before allocating them",
          "[output][reader][bad-input]") {
  const std::filesystem::path path =
      write_valid_file(scratch_directory("reader_too_large") / "run.h5");
  const hsize_t too_many = (tumen::output::max_read_bytes / 8) + 1;
  add_empty_dataset(path, "/counts", H5T_STD_I64LE, {too_many});
  add_empty_dataset(path, "/per_replicate", H5T_STD_I64LE, {3, 1024, too_many / 1024 + 1});
  // 2^33 * 2^33 elements: the product wraps to 0 in 64 bits.
  add_empty_dataset(path, "/wrapping", H5T_STD_I64LE, {hsize_t{1} << 33, hsize_t{1} << 33});
  add_empty_dataset(path, "/seconds", H5T_IEEE_F64LE, {too_many});
  {
    const detail::Datatype text(H5Tcopy(H5T_C_S1));
    REQUIRE(H5Tset_size(text.id(), 1 << 20) >= 0);
    add_empty_dataset(path, "/names", text.id(), {1024});  // 1 GiB of fixed-length strings
  }
  add_empty_dataset(path, "/wide", H5T_STD_I64LE, {too_many, 2});
  const H5Reader reader(path);
  const auto refused = [&](const std::string& dataset) {
    return Catch::Matchers::Message(path.string() + ": " + dataset +
                                    " is too large to read: more than the 256 MiB allowed in "
                                    "memory");
  };
  CHECK_THROWS_MATCHES(reader.int64_dataset("/counts"), OutputError, refused("/counts"));
  CHECK_THROWS_MATCHES(reader.int64_replicate("/per_replicate", 1), OutputError,
                       refused("/per_replicate"));
  CHECK_THROWS_MATCHES(reader.int64_dataset("/wrapping"), OutputError, refused("/wrapping"));
  CHECK_THROWS_MATCHES(reader.float64_dataset("/seconds"), OutputError, refused("/seconds"));
  CHECK_THROWS_MATCHES(reader.strings("/names"), OutputError, refused("/names"));
  // A small slab of a large dataset is still read.
  CHECK(reader.int64_replicate("/wide", 7).values == std::vector<std::int64_t>{0, 0});
}
