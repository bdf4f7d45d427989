using System.Runtime.InteropServices;

namespace PruneGen.Torch.Native;

/// <summary>P/Invoke declarations for native/shape_ops.cpp (views, indexing, joining, conversion).</summary>
internal static partial class NativeMethods
{
    [LibraryImport(Library)] internal static unsafe partial int pg_take_results(IntPtr* handles, int count);

    [LibraryImport(Library)] internal static unsafe partial IntPtr pg_view(IntPtr t, long* sizes, int ndim);
    [LibraryImport(Library)] internal static unsafe partial IntPtr pg_reshape(IntPtr t, long* sizes, int ndim);
    [LibraryImport(Library)] internal static partial IntPtr pg_view_as(IntPtr t, IntPtr other);
    [LibraryImport(Library)] internal static partial IntPtr pg_reshape_as(IntPtr t, IntPtr other);
    [LibraryImport(Library)] internal static partial IntPtr pg_expand_as(IntPtr t, IntPtr other);
    [LibraryImport(Library)] internal static partial IntPtr pg_flatten(IntPtr t, long start, long end);
    [LibraryImport(Library)] internal static unsafe partial IntPtr pg_unflatten(IntPtr t, long dim, long* sizes, int ndim);
    [LibraryImport(Library)] internal static unsafe partial IntPtr pg_permute(IntPtr t, long* dims, int ndim);
    [LibraryImport(Library)] internal static partial IntPtr pg_transpose(IntPtr t, long dim0, long dim1);
    [LibraryImport(Library)] internal static partial IntPtr pg_t(IntPtr t);
    [LibraryImport(Library)] internal static partial IntPtr pg_unsqueeze(IntPtr t, long dim);
    [LibraryImport(Library)] internal static partial IntPtr pg_squeeze(IntPtr t);
    [LibraryImport(Library)] internal static partial IntPtr pg_squeeze_dim(IntPtr t, long dim);
    [LibraryImport(Library)] internal static partial IntPtr pg_contiguous(IntPtr t, int memoryFormat);
    [LibraryImport(Library)] internal static unsafe partial IntPtr pg_expand(IntPtr t, long* sizes, int ndim, int isImplicit);
    [LibraryImport(Library)] internal static unsafe partial IntPtr pg_repeat(IntPtr t, long* repeats, int ndim);
    [LibraryImport(Library)] internal static unsafe partial IntPtr pg_flip(IntPtr t, long* dims, int ndim);
    [LibraryImport(Library)] internal static unsafe partial IntPtr pg_as_strided(IntPtr t, long* sizes, int ndim, long* strides, int nstrides, long offset);

    [LibraryImport(Library)] internal static partial IntPtr pg_narrow(IntPtr t, long dim, long start, long length);
    [LibraryImport(Library)] internal static partial IntPtr pg_slice(IntPtr t, long dim, long start, long end, long step);
    [LibraryImport(Library)] internal static partial IntPtr pg_select(IntPtr t, long dim, long index);
    [LibraryImport(Library)] internal static partial IntPtr pg_index_select(IntPtr t, long dim, IntPtr index);
    [LibraryImport(Library)] internal static partial IntPtr pg_gather(IntPtr t, long dim, IntPtr index);
    [LibraryImport(Library)] internal static partial IntPtr pg_scatter(IntPtr t, long dim, IntPtr index, IntPtr src);
    [LibraryImport(Library)] internal static partial int pg_scatter_(IntPtr t, long dim, IntPtr index, IntPtr src);
    [LibraryImport(Library)] internal static partial int pg_index_fill_(IntPtr t, long dim, IntPtr index, double valueD, long valueL, int valueK);
    [LibraryImport(Library)] internal static partial int pg_index_copy_(IntPtr t, long dim, IntPtr index, IntPtr source);
    [LibraryImport(Library)] internal static partial int pg_index_add_(IntPtr t, long dim, IntPtr index, IntPtr source, double alphaD, long alphaL, int alphaK);
    [LibraryImport(Library)] internal static partial IntPtr pg_masked_fill(IntPtr t, IntPtr mask, double valueD, long valueL, int valueK);
    [LibraryImport(Library)] internal static partial int pg_masked_fill_(IntPtr t, IntPtr mask, double valueD, long valueL, int valueK);
    [LibraryImport(Library)] internal static partial IntPtr pg_masked_select(IntPtr t, IntPtr mask);
    [LibraryImport(Library)] internal static partial IntPtr pg_where(IntPtr condition, IntPtr x, IntPtr y);
    [LibraryImport(Library)] internal static partial IntPtr pg_where_scalar(IntPtr condition, IntPtr x, double yD, long yL, int yK);
    [LibraryImport(Library)] internal static partial IntPtr pg_nonzero(IntPtr t);
    [LibraryImport(Library)] internal static partial IntPtr pg_take(IntPtr t, IntPtr index);

    [LibraryImport(Library)] internal static unsafe partial IntPtr pg_cat(IntPtr* tensors, int count, long dim);
    [LibraryImport(Library)] internal static unsafe partial IntPtr pg_stack(IntPtr* tensors, int count, long dim);
    [LibraryImport(Library)] internal static partial int pg_split(IntPtr t, long size, long dim);
    [LibraryImport(Library)] internal static unsafe partial int pg_split_with_sizes(IntPtr t, long* sizes, int count, long dim);
    [LibraryImport(Library)] internal static partial int pg_chunk(IntPtr t, long chunks, long dim);
    [LibraryImport(Library)] internal static partial int pg_unbind(IntPtr t, long dim);

    [LibraryImport(Library)] internal static partial int pg_zero_(IntPtr t);
    [LibraryImport(Library)] internal static partial int pg_fill_(IntPtr t, double valueD, long valueL, int valueK);
    [LibraryImport(Library)] internal static partial int pg_copy_(IntPtr t, IntPtr source, int nonBlocking);

    [LibraryImport(Library)] internal static partial IntPtr pg_to(IntPtr t, int dtype, int deviceType, int deviceIndex, int nonBlocking, int copy, int memoryFormat);
}
