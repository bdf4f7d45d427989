using System.Runtime.InteropServices;

namespace PruneGen.Torch.Native;

/// <summary>P/Invoke declarations for native/reductions.cpp. A dim list with ndims = -1 means "all elements".</summary>
internal static partial class NativeMethods
{
    [LibraryImport(Library)] internal static unsafe partial IntPtr pg_sum(IntPtr t, long* dims, int ndims, int keepdim, int dtype);
    [LibraryImport(Library)] internal static unsafe partial IntPtr pg_mean(IntPtr t, long* dims, int ndims, int keepdim, int dtype);
    [LibraryImport(Library)] internal static partial IntPtr pg_prod(IntPtr t, long dim, int hasDim, int keepdim, int dtype);
    [LibraryImport(Library)] internal static unsafe partial IntPtr pg_std(IntPtr t, long* dims, int ndims, int unbiased, int keepdim);
    [LibraryImport(Library)] internal static unsafe partial IntPtr pg_var(IntPtr t, long* dims, int ndims, int unbiased, int keepdim);
    [LibraryImport(Library)] internal static unsafe partial IntPtr pg_norm(IntPtr t, double p, long* dims, int ndims, int keepdim);
    [LibraryImport(Library)] internal static unsafe partial IntPtr pg_logsumexp(IntPtr t, long* dims, int ndims, int keepdim);
    [LibraryImport(Library)] internal static unsafe partial IntPtr pg_amax(IntPtr t, long* dims, int ndims, int keepdim);
    [LibraryImport(Library)] internal static unsafe partial IntPtr pg_amin(IntPtr t, long* dims, int ndims, int keepdim);

    [LibraryImport(Library)] internal static partial IntPtr pg_max_all(IntPtr t);
    [LibraryImport(Library)] internal static partial IntPtr pg_min_all(IntPtr t);
    [LibraryImport(Library)] internal static unsafe partial int pg_max_dim(IntPtr t, long dim, int keepdim, IntPtr* values, IntPtr* indexes);
    [LibraryImport(Library)] internal static unsafe partial int pg_min_dim(IntPtr t, long dim, int keepdim, IntPtr* values, IntPtr* indexes);
    [LibraryImport(Library)] internal static partial IntPtr pg_argmax(IntPtr t, long dim, int hasDim, int keepdim);
    [LibraryImport(Library)] internal static partial IntPtr pg_argmin(IntPtr t, long dim, int hasDim, int keepdim);

    [LibraryImport(Library)] internal static partial IntPtr pg_all(IntPtr t, long dim, int hasDim, int keepdim);
    [LibraryImport(Library)] internal static partial IntPtr pg_any(IntPtr t, long dim, int hasDim, int keepdim);
    [LibraryImport(Library)] internal static unsafe partial IntPtr pg_count_nonzero(IntPtr t, long* dims, int ndims);

    [LibraryImport(Library)] internal static unsafe partial int pg_topk(IntPtr t, long k, long dim, int largest, int sorted, IntPtr* values, IntPtr* indexes);
    [LibraryImport(Library)] internal static unsafe partial int pg_sort(IntPtr t, long dim, int descending, int stable, IntPtr* values, IntPtr* indexes);
    [LibraryImport(Library)] internal static partial IntPtr pg_argsort(IntPtr t, long dim, int descending);

    [LibraryImport(Library)] internal static partial IntPtr pg_cumsum(IntPtr t, long dim, int dtype);
    [LibraryImport(Library)] internal static partial IntPtr pg_cumprod(IntPtr t, long dim, int dtype);
}
