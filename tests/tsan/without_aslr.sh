#!/bin/sh
# Runs a ThreadSanitizer program (and the processes it starts) with address-space randomisation
# off. GCC 12's ThreadSanitizer expects the program in fixed address ranges and stops with
# "FATAL: ThreadSanitizer: unexpected memory mapping" on kernels that randomise more bits
# (vm.mmap_rnd_bits above 28, as on recent Ubuntu and Fedora kernels). `setarch -R` sets the
# ADDR_NO_RANDOMIZE personality, which children inherit. Where it is not permitted (some container
# sandboxes refuse personality()), the program runs as is and says so; lowering
# vm.mmap_rnd_bits to 28 as root is then the way out (docs/reliability.md).
arch=$(uname -m)
if setarch "$arch" -R true 2>/dev/null; then
  exec setarch "$arch" -R "$@"
fi
echo "without_aslr.sh: setarch -R is not permitted here; running with address randomisation on" >&2
exec "$@"
