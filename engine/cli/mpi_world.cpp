#include "mpi_world.hpp"

#include <mpi.h>

#include <climits>
#include <cstring>
#include <stdexcept>

namespace tumen::cli::mpi {

namespace {

void check(int status, const char* what) {
  if (status != MPI_SUCCESS) {
    char text[MPI_MAX_ERROR_STRING];
    int length = 0;
    MPI_Error_string(status, text, &length);
    throw std::runtime_error(std::string("MPI: ") + what + " failed: " + std::string(text, length));
  }
}

int byte_count(std::size_t size) {
  if (size > static_cast<std::size_t>(INT_MAX)) {
    throw std::runtime_error("MPI: a message of " + std::to_string(size) +
                             " bytes is more than one MPI call can carry");
  }
  return static_cast<int>(size);
}

}  // namespace

World::World() {
  int provided = MPI_THREAD_SINGLE;
  check(MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread");
  // Errors come back as codes, so that each becomes a clear message and an MPI_Abort.
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
  if (provided < MPI_THREAD_FUNNELED) {
    MPI_Finalize();
    throw std::runtime_error("MPI: this MPI library does not allow threads (MPI_THREAD_FUNNELED)");
  }
}

World::~World() {
  MPI_Finalize();
}

void World::abort(int code) const {
  MPI_Abort(MPI_COMM_WORLD, code);
  std::_Exit(code);  // MPI_Abort does not return; this is for the compiler and for safety
}

void World::broadcast(std::vector<unsigned char>& bytes) const {
  std::uint64_t size = bytes.size();
  check(MPI_Bcast(&size, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD), "MPI_Bcast");
  bytes.resize(size);
  check(MPI_Bcast(bytes.data(), byte_count(size), MPI_BYTE, 0, MPI_COMM_WORLD), "MPI_Bcast");
}

void World::send(int to, Tag tag, std::span<const unsigned char> bytes) const {
  check(MPI_Send(bytes.data(), byte_count(bytes.size()), MPI_BYTE, to, static_cast<int>(tag),
                 MPI_COMM_WORLD),
        "MPI_Send");
}

std::optional<Message> World::poll(std::optional<int> source) const {
  int arrived = 0;
  MPI_Status status;
  check(MPI_Iprobe(source.value_or(MPI_ANY_SOURCE), MPI_ANY_TAG, MPI_COMM_WORLD, &arrived, &status),
        "MPI_Iprobe");
  if (!arrived) return std::nullopt;
  int count = 0;
  check(MPI_Get_count(&status, MPI_BYTE, &count), "MPI_Get_count");
  Message message;
  message.source = status.MPI_SOURCE;
  message.tag = static_cast<Tag>(status.MPI_TAG);
  message.bytes.resize(static_cast<std::size_t>(count));
  check(MPI_Recv(message.bytes.data(), count, MPI_BYTE, status.MPI_SOURCE, status.MPI_TAG,
                 MPI_COMM_WORLD, MPI_STATUS_IGNORE),
        "MPI_Recv");
  return message;
}

std::vector<unsigned char> to_bytes(std::span<const std::uint64_t> numbers) {
  std::vector<unsigned char> bytes(numbers.size_bytes());
  if (!bytes.empty()) std::memcpy(bytes.data(), numbers.data(), bytes.size());
  return bytes;
}

std::vector<std::uint64_t> numbers_of(std::span<const unsigned char> bytes) {
  std::vector<std::uint64_t> numbers(bytes.size() / sizeof(std::uint64_t));
  if (!numbers.empty()) std::memcpy(numbers.data(), bytes.data(), numbers.size() * 8);
  return numbers;
}

}  // namespace tumen::cli::mpi
