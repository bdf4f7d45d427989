// Raw tensor memory for file I/O (safetensors): the managed side reads and writes file bytes
// straight into and out of tensor storage, so a checkpoint is never staged in managed arrays.
#include "shim.h"

// A contiguous CPU tensor with the same values (the same tensor when it already is one).
PG_API TensorHandle pg_serialization_cpu_contiguous(TensorHandle t) { PG_TENSOR(t->detach().to(at::kCPU).contiguous()) }

// Start of the element data of a contiguous CPU tensor (nullptr with an error otherwise).
PG_API void* pg_serialization_data_ptr(TensorHandle t) {
    PG_TRY
    if (!t->device().is_cpu() || !t->is_contiguous()) throw std::invalid_argument("raw data access needs a contiguous CPU tensor");
    if (t->numel() == 0) return reinterpret_cast<void*>(1);  // never dereferenced; distinguishes success from failure
    return t->data_ptr();
    PG_CATCH(nullptr)
}

// An uninitialised contiguous CPU tensor whose memory the caller fills.
PG_API TensorHandle pg_serialization_empty(int dtype, const int64_t* sizes, int ndim) {
    PG_TENSOR(at::empty(pg_dims(sizes, ndim), at::TensorOptions().dtype(static_cast<at::ScalarType>(dtype))))
}
