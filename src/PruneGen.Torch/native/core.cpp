// Error slot, handle lifetime, metadata, raw data copies, autograd basics, global settings.
#include "shim.h"

#include <torch/csrc/autograd/autograd.h>
#include <ATen/Parallel.h>
#include <ATen/Context.h>
#include <ATen/detail/CUDAHooksInterface.h>
#include <torch/version.h>
#include <cstdlib>
#include <cstring>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

static thread_local std::string g_last_error;

#if defined(__GLIBC__)
namespace {
// libtorch mallocs every activation (hundreds of KB to a few MB) anew each training step. With glibc's
// defaults such blocks come from mmap, or from heap that is trimmed back to the OS when freed, so every
// step page-faults its activations in again: measured +25-40% step time on ResNet-20 training (1 thread).
// Keeping blocks up to 32 MiB in the heap and never trimming below 1 GiB removes that. Skipped when the
// user tunes malloc through glibc's own variables or sets PRUNEGEN_KEEP_MALLOC_DEFAULTS.
struct KeepActivationMemoryInHeap {
    KeepActivationMemoryInHeap() {
        if (std::getenv("PRUNEGEN_KEEP_MALLOC_DEFAULTS") || std::getenv("MALLOC_MMAP_THRESHOLD_") ||
            std::getenv("MALLOC_TRIM_THRESHOLD_") || std::getenv("GLIBC_TUNABLES"))
            return;
        mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
        mallopt(M_TRIM_THRESHOLD, 1024 * 1024 * 1024);
    }
} g_keep_activation_memory_in_heap;
}
#endif

void pg_set_error(const char* message) { g_last_error = message ? message : ""; }

PG_API const char* pg_last_error() { return g_last_error.c_str(); }
PG_API void pg_clear_error() { g_last_error.clear(); }

PG_API void pg_tensor_free(TensorHandle t) { delete t; }

// ---- metadata -------------------------------------------------------------------------------
PG_API int pg_tensor_dim(TensorHandle t) { PG_TRY return static_cast<int>(t->dim()); PG_CATCH(-1) }
PG_API int pg_tensor_sizes(TensorHandle t, int64_t* out, int capacity) {
    PG_TRY
    auto s = t->sizes();
    int n = static_cast<int>(s.size());
    for (int i = 0; i < n && i < capacity; ++i) out[i] = s[i];
    return n;
    PG_CATCH(-1)
}
PG_API int pg_tensor_strides(TensorHandle t, int64_t* out, int capacity) {
    PG_TRY
    auto s = t->strides();
    int n = static_cast<int>(s.size());
    for (int i = 0; i < n && i < capacity; ++i) out[i] = s[i];
    return n;
    PG_CATCH(-1)
}
PG_API int64_t pg_tensor_numel(TensorHandle t) { PG_TRY return t->numel(); PG_CATCH(-1) }
PG_API int pg_tensor_dtype(TensorHandle t) { PG_TRY return static_cast<int>(t->scalar_type()); PG_CATCH(-1) }
// Device: type code (0 = CPU, 1 = CUDA, as c10::DeviceType) and index.
PG_API int pg_tensor_device_type(TensorHandle t) { PG_TRY return static_cast<int>(t->device().type()); PG_CATCH(-1) }
PG_API int pg_tensor_device_index(TensorHandle t) { PG_TRY return static_cast<int>(t->device().index()); PG_CATCH(-2) }
PG_API int pg_tensor_is_contiguous(TensorHandle t, int memory_format) {
    PG_TRY return t->is_contiguous(static_cast<c10::MemoryFormat>(memory_format)) ? 1 : 0; PG_CATCH(-1)
}

// ---- creation from raw memory and copy-out ------------------------------------------------------
// Copies `sizes`-shaped data of `dtype` from `data` into a new CPU tensor.
PG_API TensorHandle pg_tensor_from_data(const void* data, int dtype, const int64_t* sizes, int ndim, int requires_grad) {
    PG_TRY
    auto options = at::TensorOptions().dtype(static_cast<at::ScalarType>(dtype));
    at::Tensor t = at::empty(pg_dims(sizes, ndim), options);
    if (t.numel() > 0) std::memcpy(t.data_ptr(), data, t.numel() * t.element_size());
    if (requires_grad) t.set_requires_grad(true);
    return pg_wrap(std::move(t));
    PG_CATCH(nullptr)
}

// Copies the tensor's elements (in row-major order, on CPU) into `out` of `capacity_bytes`.
PG_API int pg_tensor_copy_to(TensorHandle t, void* out, int64_t capacity_bytes) {
    PG_TRY
    at::Tensor c = t->detach().to(at::kCPU).contiguous();
    int64_t bytes = c.numel() * c.element_size();
    if (bytes > capacity_bytes) throw std::runtime_error("destination buffer is too small for the tensor's data");
    if (bytes > 0) std::memcpy(out, c.data_ptr(), bytes);
    return 0;
    PG_CATCH(-1)
}

PG_API int pg_tensor_item_double(TensorHandle t, double* out) { PG_STATUS(*out = t->item<double>()) }
PG_API int pg_tensor_item_long(TensorHandle t, int64_t* out) { PG_STATUS(*out = t->item<int64_t>()) }

// ---- autograd ---------------------------------------------------------------------------------
PG_API int pg_tensor_requires_grad(TensorHandle t) { PG_TRY return t->requires_grad() ? 1 : 0; PG_CATCH(-1) }
PG_API int pg_tensor_set_requires_grad(TensorHandle t, int value) { PG_STATUS(t->set_requires_grad(value != 0)) }
PG_API int pg_tensor_backward(TensorHandle t, TensorHandle gradient, int retain_graph) {
    PG_STATUS(t->backward(gradient ? *gradient : at::Tensor(), retain_graph != 0 ? c10::optional<bool>(true) : c10::nullopt))
}
// Returns nullptr with an empty error when the tensor has no gradient.
PG_API TensorHandle pg_tensor_grad(TensorHandle t) {
    PG_TRY
    const at::Tensor& g = t->grad();
    if (!g.defined()) { pg_set_error(""); return nullptr; }
    return pg_wrap(g);
    PG_CATCH(nullptr)
}
PG_API int pg_tensor_zero_grad(TensorHandle t) {
    PG_TRY
    at::Tensor& g = t->mutable_grad();
    if (g.defined()) g = at::Tensor();
    return 0;
    PG_CATCH(-1)
}
PG_API TensorHandle pg_tensor_detach(TensorHandle t) { PG_TENSOR(t->detach()) }
PG_API TensorHandle pg_tensor_clone(TensorHandle t) { PG_TENSOR(t->clone()) }
// A new handle to the same tensor (shares storage and autograd identity).
PG_API TensorHandle pg_tensor_alias(TensorHandle t) { PG_TENSOR(*t) }

PG_API int pg_grad_enabled() { return at::GradMode::is_enabled() ? 1 : 0; }
PG_API void pg_set_grad_enabled(int enabled) { at::GradMode::set_enabled(enabled != 0); }

// ---- global settings --------------------------------------------------------------------------
PG_API void pg_manual_seed(int64_t seed) { at::manual_seed(static_cast<uint64_t>(seed)); }
PG_API int pg_set_num_threads(int n) { PG_STATUS(at::set_num_threads(n)) }
PG_API int pg_get_num_threads() { return at::get_num_threads(); }
PG_API int pg_set_deterministic(int on) { PG_STATUS(at::globalContext().setDeterministicAlgorithms(on != 0, false)) }
// Flush-to-zero for denormal floats on this thread (x86 SSE3); returns 1 when supported, 0 otherwise.
PG_API int pg_set_flush_denormal(int on) { PG_TRY return at::globalContext().setFlushDenormal(on != 0) ? 1 : 0; PG_CATCH(-1) }
PG_API int pg_cuda_is_available() { PG_TRY return at::hasCUDA() ? 1 : 0; PG_CATCH(0) }
PG_API int pg_cuda_device_count() {
    PG_TRY
    return at::hasCUDA() ? static_cast<int>(at::detail::getCUDAHooks().getNumGPUs()) : 0;
    PG_CATCH(0)
}
PG_API const char* pg_libtorch_version() {
#ifdef TORCH_VERSION
    return TORCH_VERSION;
#else
    static std::string v = std::to_string(TORCH_VERSION_MAJOR) + "." + std::to_string(TORCH_VERSION_MINOR) + "." + std::to_string(TORCH_VERSION_PATCH);
    return v.c_str();
#endif
}
