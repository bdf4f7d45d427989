// The default CPU generator's state, for deterministic checkpoint and resume.
//
// libtorch draws every CPU random number (rand, randn, bernoulli, dropout, randperm) from one
// default generator; saving its state with a checkpoint and restoring it on resume makes the
// resumed run draw exactly the numbers the uninterrupted run would have drawn.
#include "shim.h"

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/core/Generator.h>
#include <mutex>

// The state as a 1-D uint8 tensor (a copy; later draws do not change it).
PG_API TensorHandle pg_random_get_rng_state() {
    PG_TRY
    at::Generator generator = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(generator.mutex());
    return pg_wrap(generator.get_state());
    PG_CATCH(nullptr)
}

// Restores a state from pg_random_get_rng_state. libtorch checks the dtype and size and throws
// (caught here) for anything else.
PG_API int pg_random_set_rng_state(TensorHandle state) {
    PG_TRY
    at::Generator generator = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(generator.mutex());
    generator.set_state(*state);
    return 0;
    PG_CATCH(-1)
}

// The seed the default generator was last seeded with.
PG_API int pg_random_initial_seed(uint64_t* out) {
    PG_TRY
    at::Generator generator = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(generator.mutex());
    *out = generator.current_seed();
    return 0;
    PG_CATCH(-1)
}
