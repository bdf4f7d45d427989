// Reductions (over everything or over dims), arg-reductions, sorting and scans.
// An optional dim list is (dims, ndims) with ndims = -1 for "all elements" (see ops.h).
#include "ops.h"

PG_API TensorHandle pg_sum(TensorHandle t, const int64_t* dims, int ndims, int keepdim, int dtype) {
    PG_TENSOR(ndims < 0 ? t->sum(pg_opt_dtype(dtype)) : t->sum(pg_dims(dims, ndims), keepdim != 0, pg_opt_dtype(dtype)))
}
PG_API TensorHandle pg_mean(TensorHandle t, const int64_t* dims, int ndims, int keepdim, int dtype) {
    PG_TENSOR(ndims < 0 ? t->mean(pg_opt_dtype(dtype)) : t->mean(pg_dims(dims, ndims), keepdim != 0, pg_opt_dtype(dtype)))
}
// has_dim = 0: product of all elements.
PG_API TensorHandle pg_prod(TensorHandle t, int64_t dim, int has_dim, int keepdim, int dtype) {
    PG_TENSOR(has_dim ? t->prod(dim, keepdim != 0, pg_opt_dtype(dtype)) : t->prod(pg_opt_dtype(dtype)))
}
PG_API TensorHandle pg_std(TensorHandle t, const int64_t* dims, int ndims, int unbiased, int keepdim) {
    PG_TENSOR(at::std(*t, pg_opt_dims(dims, ndims), unbiased != 0, keepdim != 0))
}
PG_API TensorHandle pg_var(TensorHandle t, const int64_t* dims, int ndims, int unbiased, int keepdim) {
    PG_TENSOR(at::var(*t, pg_opt_dims(dims, ndims), unbiased != 0, keepdim != 0))
}
PG_API TensorHandle pg_norm(TensorHandle t, double p, const int64_t* dims, int ndims, int keepdim) {
    PG_TENSOR(ndims < 0 ? at::norm(*t, at::Scalar(p)) : at::norm(*t, at::Scalar(p), pg_dims(dims, ndims), keepdim != 0))
}
PG_API TensorHandle pg_logsumexp(TensorHandle t, const int64_t* dims, int ndims, int keepdim) {
    PG_TENSOR(t->logsumexp(pg_dims(dims, ndims), keepdim != 0))
}
PG_API TensorHandle pg_amax(TensorHandle t, const int64_t* dims, int ndims, int keepdim) { PG_TENSOR(t->amax(pg_dims(dims, ndims), keepdim != 0)) }
PG_API TensorHandle pg_amin(TensorHandle t, const int64_t* dims, int ndims, int keepdim) { PG_TENSOR(t->amin(pg_dims(dims, ndims), keepdim != 0)) }

// ---- max / min: over everything (one value) or along a dim (values and indexes) ---------------
PG_API TensorHandle pg_max_all(TensorHandle t) { PG_TENSOR(t->max()) }
PG_API TensorHandle pg_min_all(TensorHandle t) { PG_TENSOR(t->min()) }
PG_API int pg_max_dim(TensorHandle t, int64_t dim, int keepdim, TensorHandle* values, TensorHandle* indexes) {
    PG_TRY return pg_pair(t->max(dim, keepdim != 0), values, indexes); PG_CATCH(-1)
}
PG_API int pg_min_dim(TensorHandle t, int64_t dim, int keepdim, TensorHandle* values, TensorHandle* indexes) {
    PG_TRY return pg_pair(t->min(dim, keepdim != 0), values, indexes); PG_CATCH(-1)
}
PG_API TensorHandle pg_argmax(TensorHandle t, int64_t dim, int has_dim, int keepdim) {
    PG_TENSOR(t->argmax(has_dim ? c10::optional<int64_t>(dim) : c10::nullopt, keepdim != 0))
}
PG_API TensorHandle pg_argmin(TensorHandle t, int64_t dim, int has_dim, int keepdim) {
    PG_TENSOR(t->argmin(has_dim ? c10::optional<int64_t>(dim) : c10::nullopt, keepdim != 0))
}

// ---- logical reductions ------------------------------------------------------------------------
PG_API TensorHandle pg_all(TensorHandle t, int64_t dim, int has_dim, int keepdim) { PG_TENSOR(has_dim ? t->all(dim, keepdim != 0) : t->all()) }
PG_API TensorHandle pg_any(TensorHandle t, int64_t dim, int has_dim, int keepdim) { PG_TENSOR(has_dim ? t->any(dim, keepdim != 0) : t->any()) }
PG_API TensorHandle pg_count_nonzero(TensorHandle t, const int64_t* dims, int ndims) {
    PG_TENSOR(ndims < 0 ? t->count_nonzero() : t->count_nonzero(pg_dims(dims, ndims)))
}

// ---- ordering ------------------------------------------------------------------------------------
PG_API int pg_topk(TensorHandle t, int64_t k, int64_t dim, int largest, int sorted, TensorHandle* values, TensorHandle* indexes) {
    PG_TRY return pg_pair(t->topk(k, dim, largest != 0, sorted != 0), values, indexes); PG_CATCH(-1)
}
PG_API int pg_sort(TensorHandle t, int64_t dim, int descending, int stable, TensorHandle* values, TensorHandle* indexes) {
    PG_TRY return pg_pair(t->sort(c10::optional<bool>(stable != 0), dim, descending != 0), values, indexes); PG_CATCH(-1)
}
PG_API TensorHandle pg_argsort(TensorHandle t, int64_t dim, int descending) { PG_TENSOR(t->argsort(dim, descending != 0)) }

// ---- scans -------------------------------------------------------------------------------------
PG_API TensorHandle pg_cumsum(TensorHandle t, int64_t dim, int dtype) { PG_TENSOR(t->cumsum(dim, pg_opt_dtype(dtype))) }
PG_API TensorHandle pg_cumprod(TensorHandle t, int64_t dim, int dtype) { PG_TENSOR(t->cumprod(dim, pg_opt_dtype(dtype))) }
