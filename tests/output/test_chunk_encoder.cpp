// The chunk encoder against HDF5 itself: for each shape and gzip level, the chunks HDF5 encodes
// with H5Dwrite (read back raw with H5Dread_chunk) are byte for byte the ones encode_replicate
// makes, and chunks stored with H5Dwrite_chunk read back through HDF5's pipeline (checksum and
// inflate) as the values.
#include <hdf5.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <numeric>
#include <vector>

#include "detail/chunk_encoder.hpp"
#include "detail/chunk_shape.hpp"
#include "support/scratch_dir.hpp"

using namespace tumen::output::detail;
using Shape = std::vector<hsize_t>;

namespace {

// A dataset of `dims` with the writer's pipeline: shuffle, gzip `level` (if > 0), Fletcher-32.
hid_t create(hid_t file, const char* name, const Shape& dims, const Shape& chunk, int level) {
  const hid_t space = H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr);
  const hid_t properties = H5Pcreate(H5P_DATASET_CREATE);
  const std::int64_t zero = 0;
  H5Pset_fill_value(properties, H5T_NATIVE_INT64, &zero);
  H5Pset_chunk(properties, static_cast<int>(chunk.size()), chunk.data());
  H5Pset_shuffle(properties);
  if (level > 0) H5Pset_deflate(properties, static_cast<unsigned>(level));
  H5Pset_fletcher32(properties);
  const hid_t dataset =
      H5Dcreate2(file, name, H5T_STD_I64LE, space, H5P_DEFAULT, properties, H5P_DEFAULT);
  H5Pclose(properties);
  H5Sclose(space);
  return dataset;
}

// Counts like the engine's: mostly small, some zero, a few large; and a few with every byte
// set (negative), so that the shuffle's placement of each of the 8 bytes is checked.
std::vector<std::int64_t> counts(std::size_t n, std::int64_t salt) {
  std::vector<std::int64_t> values(n);
  for (std::size_t i = 0; i < n; ++i) {
    const auto x = static_cast<std::int64_t>(i) * 7919 + salt;
    values[i] =
        x % 5 == 0 ? 0
        : x % 89 == 0
            ? static_cast<std::int64_t>(0x8172635445362718ULL ^ static_cast<std::uint64_t>(x))
        : x % 97 == 0 ? x * 100003
                      : x % 41;
  }
  return values;
}

}  // namespace

TEST_CASE("Encoded chunks equal HDF5's own, and read back through its pipeline",
          "[output][chunk-encoder]") {
  const tumen::testing::ScratchDir dir("chunk-encoder");
  const hid_t file =
      H5Fcreate((dir.path() / "chunks.h5").c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  REQUIRE(file >= 0);
  struct Case {
    Shape dims;
    Shape chunk;
  };
  const std::vector<Case> cases = {
      {{3, 12, 17, 2}, {}},                                    // one chunk a replicate
      {{2, 10, 7, 3}, {1, 4, 7, 3}},                           // edge chunk along time
      {{2, 9, 5, 4}, {1, 2, 3, 4}},                            // edge chunks along two axes
      {{2, 100, 1000}, chunk_shape({2, 100, 1000}, 8, 1000)},  // the writer's split
      {{4, 33}, {1, 33}},
  };
  int name = 0;
  for (const Case& c : cases) {
    for (const int level : {0, 1, 4, 9}) {
      const Shape chunk = c.chunk.empty() ? chunk_shape(c.dims, 8) : c.chunk;
      INFO("dims " << c.dims.size() << "-d, chunk[1] " << chunk[1] << ", gzip " << level);
      const std::string by_hdf5 = "hdf5_" + std::to_string(name);
      const std::string by_us = "ours_" + std::to_string(name++);
      const hid_t reference = create(file, by_hdf5.c_str(), c.dims, chunk, level);
      const hid_t ours = create(file, by_us.c_str(), c.dims, chunk, level);
      const ChunkPipeline pipeline = read_chunk_pipeline(ours);
      REQUIRE(pipeline.encodable);
      CHECK(pipeline.deflate_level == level);
      CHECK(pipeline.chunk == chunk);

      const hsize_t slab =
          std::accumulate(c.dims.begin() + 1, c.dims.end(), hsize_t{1}, std::multiplies<>());
      for (hsize_t replicate = 0; replicate < c.dims[0]; ++replicate) {
        const auto values = counts(slab, static_cast<std::int64_t>(replicate) * 31 + level);
        // HDF5 writes one replicate through its filters.
        Shape start(c.dims.size(), 0), count = c.dims;
        start[0] = replicate;
        count[0] = 1;
        const hid_t file_space = H5Dget_space(reference);
        H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start.data(), nullptr, count.data(),
                            nullptr);
        const hid_t memory_space =
            H5Screate_simple(static_cast<int>(count.size()), count.data(), nullptr);
        REQUIRE(H5Dwrite(reference, H5T_NATIVE_INT64, memory_space, file_space, H5P_DEFAULT,
                         values.data()) >= 0);
        H5Sclose(memory_space);
        H5Sclose(file_space);

        // We encode the same replicate, and store our chunks raw.
        const auto encoded = encode_replicate(values, c.dims, pipeline, replicate);
        hsize_t expected_chunks = 1;
        for (std::size_t axis = 1; axis < c.dims.size(); ++axis) {
          expected_chunks *= (c.dims[axis] + chunk[axis] - 1) / chunk[axis];
        }
        REQUIRE(encoded.size() == expected_chunks);
        for (const EncodedChunk& e : encoded) {
          hsize_t stored = 0;
          REQUIRE(H5Dget_chunk_storage_size(reference, e.offset.data(), &stored) >= 0);
          std::vector<unsigned char> raw(stored);
          std::uint32_t mask = 0;
          REQUIRE(H5Dread_chunk(reference, H5P_DEFAULT, e.offset.data(), &mask, raw.data()) >= 0);
          CHECK(mask == 0);
          CHECK(raw == e.bytes);
          REQUIRE(H5Dwrite_chunk(ours, H5P_DEFAULT, 0, e.offset.data(), e.bytes.size(),
                                 e.bytes.data()) >= 0);
        }
      }
      // Our dataset reads back, through HDF5's pipeline, as the values HDF5 stored itself.
      const hsize_t all = slab * c.dims[0];
      std::vector<std::int64_t> a(all, -1), b(all, -2);
      REQUIRE(H5Dread(reference, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, a.data()) >= 0);
      REQUIRE(H5Dread(ours, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, b.data()) >= 0);
      CHECK(a == b);
      H5Dclose(reference);
      H5Dclose(ours);
    }
  }
  H5Fclose(file);
}

TEST_CASE("A corrupted encoded chunk fails HDF5's checksum", "[output][chunk-encoder]") {
  const tumen::testing::ScratchDir dir("chunk-encoder-torn");
  const hid_t file =
      H5Fcreate((dir.path() / "torn.h5").c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  const Shape dims = {1, 50, 3};
  const hid_t dataset = create(file, "d", dims, {1, 50, 3}, 4);
  const auto pipeline = read_chunk_pipeline(dataset);
  auto encoded = encode_replicate(counts(150, 5), dims, pipeline, 0);
  REQUIRE(encoded.size() == 1);
  encoded[0].bytes[encoded[0].bytes.size() / 2] ^= 0x40;
  REQUIRE(H5Dwrite_chunk(dataset, H5P_DEFAULT, 0, encoded[0].offset.data(), encoded[0].bytes.size(),
                         encoded[0].bytes.data()) >= 0);
  std::vector<std::int64_t> back(150);
  H5E_BEGIN_TRY {
    CHECK(H5Dread(dataset, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, back.data()) < 0);
  }
  H5E_END_TRY;
  H5Dclose(dataset);
  H5Fclose(file);
}

TEST_CASE("Pipelines the encoder does not reproduce are left to HDF5", "[output][chunk-encoder]") {
  const tumen::testing::ScratchDir dir("chunk-encoder-other");
  const hid_t file =
      H5Fcreate((dir.path() / "other.h5").c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  const Shape dims = {2, 10};
  const hid_t space = H5Screate_simple(2, dims.data(), nullptr);
  const hid_t properties = H5Pcreate(H5P_DATASET_CREATE);
  const Shape chunk = {1, 10};
  H5Pset_chunk(properties, 2, chunk.data());
  H5Pset_deflate(properties, 4);  // no shuffle, no checksum
  const hid_t dataset =
      H5Dcreate2(file, "d", H5T_STD_I64LE, space, H5P_DEFAULT, properties, H5P_DEFAULT);
  CHECK_FALSE(read_chunk_pipeline(dataset).encodable);
  const hid_t big_endian =
      H5Dcreate2(file, "be", H5T_STD_I64BE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  CHECK_FALSE(read_chunk_pipeline(big_endian).encodable);
  H5Dclose(big_endian);
  H5Dclose(dataset);
  H5Pclose(properties);
  H5Sclose(space);
  H5Fclose(file);
}

TEST_CASE("Fletcher-32 of known inputs", "[output][chunk-encoder]") {
  // By hand from the definition: words 0x6162 and 0x6364 give sum1 = 0xC4C6 and
  // sum2 = 0x6162 + 0xC4C6 = 0x12628, folded with its carry to 0x2629.
  const std::vector<unsigned char> abcd = {'a', 'b', 'c', 'd'};
  CHECK(fletcher32(abcd) == 0x2629C4C6u);
  // An odd byte counts as the high byte of a last word: 0x6500 more.
  const std::vector<unsigned char> abcde = {'a', 'b', 'c', 'd', 'e'};
  // sum1 = 0xC4C6 + 0x6500 = 0x129C6 -> 0x29C7; sum2 = 0x2629 + 0x129C6 = 0x14FEF -> 0x4FF0.
  CHECK(fletcher32(abcde) == 0x4FF029C7u);
  CHECK(fletcher32({}) == 0u);
}
