// The MPI protocol pieces shared by mpi_run.cpp, mpi_sweep.cpp and mpi_calibrate.cpp.
#include "mpi_protocol.hpp"

#include <csignal>
#include <iostream>
#include <vector>

#include "exit_codes.hpp"
#include "interrupt.hpp"
#include "replicate_pool.hpp"
#include "tumen/output/replicate_packer.hpp"

namespace tumen::cli::mpi {

std::uint64_t broadcast_status(const World& world, std::uint64_t status) {
  const std::uint64_t value[] = {status};
  std::vector<unsigned char> bytes = to_bytes(value);
  world.broadcast(bytes);
  return numbers_of(bytes).at(0);
}

std::uint64_t single_number(const Message& message) {
  if (message.bytes.size() != sizeof(std::uint64_t)) {
    throw std::runtime_error("MPI: a malformed message (tag " +
                             std::to_string(static_cast<int>(message.tag)) + ") from rank " +
                             std::to_string(message.source));
  }
  return numbers_of(message.bytes).front();
}

std::runtime_error unexpected(const Message& message) {
  return std::runtime_error("MPI: an unexpected message (tag " +
                            std::to_string(static_cast<int>(message.tag)) + ") from rank " +
                            std::to_string(message.source));
}

int interrupted_code() {
  return stop_signal() == SIGTERM ? 128 + SIGTERM : kInterrupted;
}

void end_job(const World& world, int code, const std::string& text) {
  std::cerr << text << std::flush;
  world.abort(code);
}

void assign_replicates(const World& world, int rank, std::uint64_t wanted,
                       std::deque<std::uint64_t>& todo, bool stopping) {
  std::vector<std::uint64_t> given;
  while (!stopping && given.size() < wanted && !todo.empty()) {
    given.push_back(todo.front());
    todo.pop_front();
  }
  world.send(rank, Tag::assign, to_bytes(given));
}

int run_assigned_replicates(const World& world, const Model& model, std::uint64_t seed,
                            std::uint64_t stream_point, std::span<const unsigned char> plan,
                            int threads, int stopped) {
  const output::ReplicatePacker packer(plan);
  ReplicatePool pool(
      model, seed, threads,
      [&packer](FinishedReplicate& finished) {
        finished.data = packer.pack(finished.result);
        const std::uint64_t replicate = finished.result.replicate;
        finished.result = ReplicateResult{};  // the counters' memory back early
        finished.result.replicate = replicate;
      },
      &stop_requested(), stream_point);
  bool asked = false;    // a request waits for its answer
  bool no_more = false;  // rank 0 has no more replicates to give
  while (true) {
    bool progressed = false;
    if (stopped == 0 && stop_requested().load()) {
      stopped = interrupted_code();
      pool.halt();
    }
    if (stopped == 0 && !no_more && !asked && pool.in_flight() < pool.threads()) {
      const std::uint64_t wanted[] = {static_cast<std::uint64_t>(pool.threads()) -
                                      static_cast<std::uint64_t>(pool.in_flight())};
      world.send(0, Tag::request, to_bytes(wanted));
      asked = true;
    }
    while (const auto message = world.poll(0)) {
      progressed = true;
      if (message->tag == Tag::assign) {
        asked = false;
        const auto replicates = numbers_of(message->bytes);
        if (replicates.empty()) no_more = true;
        for (const auto replicate : replicates) {
          if (stopped == 0) pool.submit(replicate);
        }
      } else if (message->tag == Tag::stop) {
        if (stopped == 0) stopped = static_cast<int>(single_number(*message));
        pool.halt();
      } else {
        throw unexpected(*message);
      }
    }
    for (FinishedReplicate& finished : pool.take_finished()) {
      progressed = true;
      if (finished.error) std::rethrow_exception(finished.error);
      if (finished.completed) world.send(0, Tag::result, finished.data);
    }
    if ((no_more || stopped != 0) && !asked && pool.in_flight() == 0) break;
    if (!progressed) (void)pool.wait(kPollInterval);
  }
  world.send(0, Tag::bye, {});
  return stopped;
}

bool open_world(std::optional<World>& world) {
  try {
    world.emplace();
    return true;
  } catch (const std::exception& e) {
    std::cerr << "tumen: error: " << e.what() << '\n';
    return false;
  }
}

}  // namespace tumen::cli::mpi
