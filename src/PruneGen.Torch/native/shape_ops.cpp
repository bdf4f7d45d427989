// Shape, indexing, joining and conversion ops, plus the thread-local list for ops with a variable
// number of results.
#include "ops.h"

// ---- variable-length results --------------------------------------------------------------------
static thread_local std::vector<at::Tensor> g_results;

int pg_park_results(std::vector<at::Tensor>&& results) {
    g_results = std::move(results);
    return static_cast<int>(g_results.size());
}

// Moves the parked results into `out` (which holds `count` slots) as owned handles.
PG_API int pg_take_results(TensorHandle* out, int count) {
    PG_TRY
    if (count != static_cast<int>(g_results.size())) throw std::invalid_argument("result count mismatch");
    for (int i = 0; i < count; ++i) out[i] = pg_wrap(std::move(g_results[static_cast<size_t>(i)]));
    g_results.clear();
    return 0;
    PG_CATCH(-1)
}

// ---- views and reshaping ----------------------------------------------------------------------
PG_API TensorHandle pg_view(TensorHandle t, const int64_t* sizes, int ndim) { PG_TENSOR(t->view(pg_dims(sizes, ndim))) }
PG_API TensorHandle pg_reshape(TensorHandle t, const int64_t* sizes, int ndim) { PG_TENSOR(t->reshape(pg_dims(sizes, ndim))) }
PG_API TensorHandle pg_view_as(TensorHandle t, TensorHandle other) { PG_TENSOR(t->view_as(*other)) }
PG_API TensorHandle pg_reshape_as(TensorHandle t, TensorHandle other) { PG_TENSOR(t->reshape_as(*other)) }
PG_API TensorHandle pg_expand_as(TensorHandle t, TensorHandle other) { PG_TENSOR(t->expand_as(*other)) }
PG_API TensorHandle pg_flatten(TensorHandle t, int64_t start, int64_t end) { PG_TENSOR(t->flatten(start, end)) }
PG_API TensorHandle pg_unflatten(TensorHandle t, int64_t dim, const int64_t* sizes, int ndim) { PG_TENSOR(t->unflatten(dim, pg_dims(sizes, ndim))) }
PG_API TensorHandle pg_permute(TensorHandle t, const int64_t* dims, int ndim) { PG_TENSOR(t->permute(pg_dims(dims, ndim))) }
PG_API TensorHandle pg_transpose(TensorHandle t, int64_t dim0, int64_t dim1) { PG_TENSOR(t->transpose(dim0, dim1)) }
PG_API TensorHandle pg_t(TensorHandle t) { PG_TENSOR(t->t()) }
PG_API TensorHandle pg_unsqueeze(TensorHandle t, int64_t dim) { PG_TENSOR(t->unsqueeze(dim)) }
PG_API TensorHandle pg_squeeze(TensorHandle t) { PG_TENSOR(t->squeeze()) }
PG_API TensorHandle pg_squeeze_dim(TensorHandle t, int64_t dim) { PG_TENSOR(t->squeeze(dim)) }
PG_API TensorHandle pg_contiguous(TensorHandle t, int memory_format) {
    PG_TENSOR(t->contiguous(static_cast<c10::MemoryFormat>(memory_format)))
}
PG_API TensorHandle pg_expand(TensorHandle t, const int64_t* sizes, int ndim, int implicit) {
    PG_TENSOR(t->expand(pg_dims(sizes, ndim), implicit != 0))
}
PG_API TensorHandle pg_repeat(TensorHandle t, const int64_t* repeats, int ndim) { PG_TENSOR(t->repeat(pg_dims(repeats, ndim))) }
PG_API TensorHandle pg_flip(TensorHandle t, const int64_t* dims, int ndim) { PG_TENSOR(t->flip(pg_dims(dims, ndim))) }
PG_API TensorHandle pg_as_strided(TensorHandle t, const int64_t* sizes, int ndim, const int64_t* strides, int nstrides, int64_t offset) {
    PG_TENSOR(t->as_strided(pg_dims(sizes, ndim), pg_dims(strides, nstrides), offset))
}

// ---- slicing and indexing ---------------------------------------------------------------------
PG_API TensorHandle pg_narrow(TensorHandle t, int64_t dim, int64_t start, int64_t length) { PG_TENSOR(t->narrow(dim, start, length)) }
PG_API TensorHandle pg_slice(TensorHandle t, int64_t dim, int64_t start, int64_t end, int64_t step) { PG_TENSOR(t->slice(dim, start, end, step)) }
PG_API TensorHandle pg_select(TensorHandle t, int64_t dim, int64_t index) { PG_TENSOR(t->select(dim, index)) }
PG_API TensorHandle pg_index_select(TensorHandle t, int64_t dim, TensorHandle index) { PG_TENSOR(t->index_select(dim, *index)) }
PG_API TensorHandle pg_gather(TensorHandle t, int64_t dim, TensorHandle index) { PG_TENSOR(t->gather(dim, *index)) }
PG_API TensorHandle pg_scatter(TensorHandle t, int64_t dim, TensorHandle index, TensorHandle src) { PG_TENSOR(t->scatter(dim, *index, *src)) }
PG_API int pg_scatter_(TensorHandle t, int64_t dim, TensorHandle index, TensorHandle src) { PG_STATUS(t->scatter_(dim, *index, *src)) }
PG_API int pg_index_fill_(TensorHandle t, int64_t dim, TensorHandle index, PG_SCALAR_ARG(value)) {
    PG_STATUS(t->index_fill_(dim, *index, PG_SCALAR(value)))
}
PG_API int pg_index_copy_(TensorHandle t, int64_t dim, TensorHandle index, TensorHandle source) {
    PG_STATUS(t->index_copy_(dim, *index, *source))
}
PG_API int pg_index_add_(TensorHandle t, int64_t dim, TensorHandle index, TensorHandle source, PG_SCALAR_ARG(alpha)) {
    PG_STATUS(t->index_add_(dim, *index, *source, PG_SCALAR(alpha)))
}
PG_API TensorHandle pg_masked_fill(TensorHandle t, TensorHandle mask, PG_SCALAR_ARG(value)) { PG_TENSOR(t->masked_fill(*mask, PG_SCALAR(value))) }
PG_API int pg_masked_fill_(TensorHandle t, TensorHandle mask, PG_SCALAR_ARG(value)) { PG_STATUS(t->masked_fill_(*mask, PG_SCALAR(value))) }
PG_API TensorHandle pg_masked_select(TensorHandle t, TensorHandle mask) { PG_TENSOR(t->masked_select(*mask)) }
PG_API TensorHandle pg_where(TensorHandle condition, TensorHandle x, TensorHandle y) { PG_TENSOR(at::where(*condition, *x, *y)) }
PG_API TensorHandle pg_where_scalar(TensorHandle condition, TensorHandle x, PG_SCALAR_ARG(y)) {
    PG_TENSOR(at::where(*condition, *x, PG_SCALAR(y)))
}
PG_API TensorHandle pg_nonzero(TensorHandle t) { PG_TENSOR(t->nonzero()) }
PG_API TensorHandle pg_take(TensorHandle t, TensorHandle index) { PG_TENSOR(t->take(*index)) }

// ---- joining and splitting ----------------------------------------------------------------------
PG_API TensorHandle pg_cat(const TensorHandle* tensors, int count, int64_t dim) { PG_TENSOR(at::cat(pg_tensor_list(tensors, count), dim)) }
PG_API TensorHandle pg_stack(const TensorHandle* tensors, int count, int64_t dim) { PG_TENSOR(at::stack(pg_tensor_list(tensors, count), dim)) }
PG_API int pg_split(TensorHandle t, int64_t size, int64_t dim) { PG_TRY return pg_park_results(t->split(size, dim)); PG_CATCH(-1) }
PG_API int pg_split_with_sizes(TensorHandle t, const int64_t* sizes, int count, int64_t dim) {
    PG_TRY return pg_park_results(t->split_with_sizes(pg_dims(sizes, count), dim)); PG_CATCH(-1)
}
PG_API int pg_chunk(TensorHandle t, int64_t chunks, int64_t dim) { PG_TRY return pg_park_results(t->chunk(chunks, dim)); PG_CATCH(-1) }
PG_API int pg_unbind(TensorHandle t, int64_t dim) { PG_TRY return pg_park_results(t->unbind(dim)); PG_CATCH(-1) }

// ---- in-place fill and copy -------------------------------------------------------------------
PG_API int pg_zero_(TensorHandle t) { PG_STATUS(t->zero_()) }
PG_API int pg_fill_(TensorHandle t, PG_SCALAR_ARG(value)) { PG_STATUS(t->fill_(PG_SCALAR(value))) }
PG_API int pg_copy_(TensorHandle t, TensorHandle source, int non_blocking) { PG_STATUS(t->copy_(*source, non_blocking != 0)) }

// ---- conversion -------------------------------------------------------------------------------
// One entry for every `to` overload: dtype < 0 keeps the element type, device_type < 0 keeps the
// device, memory_format < 0 preserves the layout. Returns `t` itself (a new handle to it) when
// nothing changes and copy is false, as libtorch does.
PG_API TensorHandle pg_to(TensorHandle t, int dtype, int device_type, int device_index, int non_blocking, int copy, int memory_format) {
    PG_TRY
    at::TensorOptions options = t->options();
    if (dtype >= 0) options = options.dtype(static_cast<at::ScalarType>(dtype));
    if (device_type >= 0)
        options = options.device(c10::Device(static_cast<c10::DeviceType>(device_type), static_cast<c10::DeviceIndex>(device_index)));
    c10::optional<c10::MemoryFormat> format;
    if (memory_format >= 0) format = static_cast<c10::MemoryFormat>(memory_format);
    return pg_wrap(t->to(options, non_blocking != 0, copy != 0, format));
    PG_CATCH(nullptr)
}
