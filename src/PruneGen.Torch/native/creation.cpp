// Tensor factories: filled, ranged, random, and "_like" variants. Every factory takes
// (dtype, device_type, device_index, requires_grad) as described in ops.h.
#include "ops.h"

#define PG_OPTIONS_ARGS int dtype, int device_type, int device_index, int requires_grad
#define PG_OPTIONS pg_options(dtype, device_type, device_index)

PG_API TensorHandle pg_zeros(const int64_t* sizes, int ndim, PG_OPTIONS_ARGS) {
    PG_TRY return pg_leaf(at::zeros(pg_dims(sizes, ndim), PG_OPTIONS), requires_grad); PG_CATCH(nullptr)
}
PG_API TensorHandle pg_ones(const int64_t* sizes, int ndim, PG_OPTIONS_ARGS) {
    PG_TRY return pg_leaf(at::ones(pg_dims(sizes, ndim), PG_OPTIONS), requires_grad); PG_CATCH(nullptr)
}
PG_API TensorHandle pg_empty(const int64_t* sizes, int ndim, PG_OPTIONS_ARGS) {
    PG_TRY return pg_leaf(at::empty(pg_dims(sizes, ndim), PG_OPTIONS), requires_grad); PG_CATCH(nullptr)
}
// Without a dtype the element type follows the value, as in PyTorch (integral value -> int64).
PG_API TensorHandle pg_full(const int64_t* sizes, int ndim, PG_SCALAR_ARG(value), PG_OPTIONS_ARGS) {
    PG_TRY return pg_leaf(at::full(pg_dims(sizes, ndim), PG_SCALAR(value), PG_OPTIONS), requires_grad); PG_CATCH(nullptr)
}
// Without a dtype: int64 when start, end and step are all integral, else the default float type.
PG_API TensorHandle pg_arange(PG_SCALAR_ARG(start), PG_SCALAR_ARG(end), PG_SCALAR_ARG(step), PG_OPTIONS_ARGS) {
    PG_TRY return pg_leaf(at::arange(PG_SCALAR(start), PG_SCALAR(end), PG_SCALAR(step), PG_OPTIONS), requires_grad); PG_CATCH(nullptr)
}
PG_API TensorHandle pg_linspace(double start, double end, int64_t steps, PG_OPTIONS_ARGS) {
    PG_TRY return pg_leaf(at::linspace(start, end, steps, PG_OPTIONS), requires_grad); PG_CATCH(nullptr)
}
PG_API TensorHandle pg_eye(int64_t n, int64_t m, PG_OPTIONS_ARGS) {
    PG_TRY return pg_leaf(at::eye(n, m < 0 ? n : m, PG_OPTIONS), requires_grad); PG_CATCH(nullptr)
}

// ---- random -----------------------------------------------------------------------------------
PG_API TensorHandle pg_rand(const int64_t* sizes, int ndim, PG_OPTIONS_ARGS) {
    PG_TRY return pg_leaf(at::rand(pg_dims(sizes, ndim), PG_OPTIONS), requires_grad); PG_CATCH(nullptr)
}
PG_API TensorHandle pg_randn(const int64_t* sizes, int ndim, PG_OPTIONS_ARGS) {
    PG_TRY return pg_leaf(at::randn(pg_dims(sizes, ndim), PG_OPTIONS), requires_grad); PG_CATCH(nullptr)
}
PG_API TensorHandle pg_randint(int64_t low, int64_t high, const int64_t* sizes, int ndim, PG_OPTIONS_ARGS) {
    PG_TRY return pg_leaf(at::randint(low, high, pg_dims(sizes, ndim), PG_OPTIONS), requires_grad); PG_CATCH(nullptr)
}
PG_API TensorHandle pg_randperm(int64_t n, PG_OPTIONS_ARGS) {
    PG_TRY return pg_leaf(at::randperm(n, PG_OPTIONS), requires_grad); PG_CATCH(nullptr)
}
// Draws 0/1 with the probabilities held in `probabilities` (same shape and dtype as it).
PG_API TensorHandle pg_bernoulli(TensorHandle probabilities) { PG_TENSOR(at::bernoulli(*probabilities)) }
PG_API int pg_bernoulli_(TensorHandle t, double p) { PG_STATUS(t->bernoulli_(p)) }
PG_API int pg_bernoulli_tensor_(TensorHandle t, TensorHandle p) { PG_STATUS(t->bernoulli_(*p)) }
PG_API int pg_uniform_(TensorHandle t, double from, double to) { PG_STATUS(t->uniform_(from, to)) }
PG_API int pg_normal_(TensorHandle t, double mean, double std) { PG_STATUS(t->normal_(mean, std)) }
PG_API int pg_random_(TensorHandle t, int64_t from, int64_t to) { PG_STATUS(t->random_(from, to)) }

// ---- *_like: shape of `t`; dtype and device of `t` unless given --------------------------------
PG_API TensorHandle pg_zeros_like(TensorHandle t, PG_OPTIONS_ARGS) {
    PG_TRY return pg_leaf(at::zeros_like(*t, PG_OPTIONS), requires_grad); PG_CATCH(nullptr)
}
PG_API TensorHandle pg_ones_like(TensorHandle t, PG_OPTIONS_ARGS) {
    PG_TRY return pg_leaf(at::ones_like(*t, PG_OPTIONS), requires_grad); PG_CATCH(nullptr)
}
PG_API TensorHandle pg_empty_like(TensorHandle t, PG_OPTIONS_ARGS) {
    PG_TRY return pg_leaf(at::empty_like(*t, PG_OPTIONS), requires_grad); PG_CATCH(nullptr)
}
PG_API TensorHandle pg_full_like(TensorHandle t, PG_SCALAR_ARG(value), PG_OPTIONS_ARGS) {
    PG_TRY return pg_leaf(at::full_like(*t, PG_SCALAR(value), PG_OPTIONS), requires_grad); PG_CATCH(nullptr)
}
PG_API TensorHandle pg_rand_like(TensorHandle t, PG_OPTIONS_ARGS) {
    PG_TRY return pg_leaf(at::rand_like(*t, PG_OPTIONS), requires_grad); PG_CATCH(nullptr)
}
PG_API TensorHandle pg_randn_like(TensorHandle t, PG_OPTIONS_ARGS) {
    PG_TRY return pg_leaf(at::randn_like(*t, PG_OPTIONS), requires_grad); PG_CATCH(nullptr)
}
PG_API TensorHandle pg_randint_like(TensorHandle t, int64_t low, int64_t high, PG_OPTIONS_ARGS) {
    PG_TRY return pg_leaf(at::randint_like(*t, low, high, PG_OPTIONS), requires_grad); PG_CATCH(nullptr)
}
