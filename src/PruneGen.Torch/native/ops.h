// Helpers shared by the tensor-operation files (creation.cpp, shape_ops.cpp, math.cpp, reductions.cpp).
//
// Argument conventions on top of shim.h:
//  * A Scalar crosses as three arguments (double d, int64_t l, int kind): kind 0 = floating point
//    (d holds it), 1 = integral (l), 2 = boolean (l != 0), -1 = absent (optional arguments only).
//    Keeping integers as int64 matters: a double cannot carry every int64 exactly.
//  * Optional dtype: -1 = not given. Optional device: device_type -1 = not given.
//  * Optional dimension lists: (const int64_t* dims, int ndims) with ndims = -1 meaning "not given"
//    (reduce over everything), which is different from an empty list.
//  * Booleans are ints (0 / 1).
//  * Ops with two results write two handles through out-pointers and return a status. Ops with a
//    variable number of results park them in a thread-local list and return the count; the managed
//    side then takes them with pg_take_results.
#pragma once

#include "shim.h"

#include <c10/util/Optional.h>

#include <tuple>
#include <vector>

#define PG_SCALAR_ARG(name) double name##_d, int64_t name##_l, int name##_k
#define PG_SCALAR(name) pg_scalar(name##_d, name##_l, name##_k)
#define PG_OPT_SCALAR(name) pg_opt_scalar(name##_d, name##_l, name##_k)

inline at::Scalar pg_scalar(double d, int64_t l, int kind) {
    switch (kind) {
        case 0: return at::Scalar(d);
        case 1: return at::Scalar(l);
        case 2: return at::Scalar(l != 0);
        default: throw std::invalid_argument("a required scalar argument is missing");
    }
}

inline c10::optional<at::Scalar> pg_opt_scalar(double d, int64_t l, int kind) {
    if (kind < 0) return c10::nullopt;
    return pg_scalar(d, l, kind);
}

inline c10::optional<at::ScalarType> pg_opt_dtype(int dtype) {
    if (dtype < 0) return c10::nullopt;
    return static_cast<at::ScalarType>(dtype);
}

// Options for factory functions; unspecified fields keep libtorch's defaults (float32, CPU).
inline at::TensorOptions pg_options(int dtype, int device_type, int device_index) {
    at::TensorOptions options;
    if (dtype >= 0) options = options.dtype(static_cast<at::ScalarType>(dtype));
    if (device_type >= 0)
        options = options.device(c10::Device(static_cast<c10::DeviceType>(device_type), static_cast<c10::DeviceIndex>(device_index)));
    return options;
}

// Factories create leaves; requires_grad is applied after creation so libtorch checks the dtype.
inline TensorHandle pg_leaf(at::Tensor t, int requires_grad) {
    if (requires_grad) t.set_requires_grad(true);
    return pg_wrap(std::move(t));
}

inline c10::optional<at::IntArrayRef> pg_opt_dims(const int64_t* dims, int ndims) {
    if (ndims < 0) return c10::nullopt;
    return pg_dims(dims, ndims);
}

inline int pg_pair(std::tuple<at::Tensor, at::Tensor>&& result, TensorHandle* first, TensorHandle* second) {
    *first = pg_wrap(std::move(std::get<0>(result)));
    *second = pg_wrap(std::move(std::get<1>(result)));
    return 0;
}

// Gathers handles into tensors for list-taking ops (cat, stack, ...).
inline std::vector<at::Tensor> pg_tensor_list(const TensorHandle* handles, int count) {
    std::vector<at::Tensor> list;
    list.reserve(static_cast<size_t>(count));
    for (int i = 0; i < count; ++i) list.push_back(*handles[i]);
    return list;
}

// Parks a variable-length result on this thread; returns its length.
int pg_park_results(std::vector<at::Tensor>&& results);

// Optional tensor argument: a null handle means "not given".
inline c10::optional<at::Tensor> pg_opt_tensor(TensorHandle t) {
    if (t == nullptr) return c10::nullopt;
    return *t;
}
