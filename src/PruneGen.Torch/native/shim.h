// Flat C ABI over libtorch's C++ API.
//
// Conventions every entry point follows (the managed side relies on them):
//  * Tensors cross the boundary as opaque handles: a heap-allocated at::Tensor*. The caller owns a
//    returned handle and frees it with pg_tensor_free.
//  * No C++ exception ever crosses the boundary. PG_TRY/PG_CATCH store the message in a
//    thread-local slot (pg_last_error) and return the failure value: nullptr for handles, -1 for
//    status codes. The managed side turns that into a TorchException carrying libtorch's message.
//  * Arrays of sizes are passed as (const int64_t* data, int len).
#pragma once

#include <ATen/ATen.h>
#include <torch/csrc/autograd/generated/variable_factories.h>
#include <torch/csrc/autograd/grad_mode.h>

#include <cstdint>
#include <exception>
#include <string>

#define PG_API extern "C" __attribute__((visibility("default")))

typedef at::Tensor* TensorHandle;

void pg_set_error(const char* message);

// Wrap a result tensor into a new owned handle.
inline TensorHandle pg_wrap(at::Tensor&& t) { return new at::Tensor(std::move(t)); }
inline TensorHandle pg_wrap(const at::Tensor& t) { return new at::Tensor(t); }

inline at::IntArrayRef pg_dims(const int64_t* data, int len) { return at::IntArrayRef(data, static_cast<size_t>(len)); }

#define PG_TRY try {
#define PG_CATCH(failure_value)                                                        \
    }                                                                                  \
    catch (const c10::Error& e) { pg_set_error(e.what_without_backtrace()); return failure_value; } \
    catch (const std::exception& e) { pg_set_error(e.what()); return failure_value; }   \
    catch (...) { pg_set_error("unknown C++ exception in libtorch"); return failure_value; }

// Handle-returning entry point: body evaluates to an at::Tensor.
#define PG_TENSOR(expr) PG_TRY return pg_wrap(expr); PG_CATCH(nullptr)
// Status-returning entry point: body is a statement; 0 on success, -1 on failure.
#define PG_STATUS(stmt) PG_TRY stmt; return 0; PG_CATCH(-1)
