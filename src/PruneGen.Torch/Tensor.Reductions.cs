using static PruneGen.Torch.Native.NativeMethods;

namespace PruneGen.Torch;

public static partial class torch
{
    public partial class Tensor
    {
        // Reductions over all elements return a 0-D tensor; over dims they drop the reduced dims
        // unless keepdim is true. An optional `type` is the accumulation/result dtype.
        //
        // Each reduction with a `long dim` also has an `int dim` overload. Reason: C# converts the
        // literal 0 to any enum, and prefers that to int -> long, so `x.sum(0)` would otherwise bind
        // to sum(ScalarType? type) and sum everything as bytes.

        // ---- sum / mean / prod ------------------------------------------------------------------

        public unsafe Tensor sum(ScalarType? type = null) => Result(pg_sum(Handle, null, -1, 0, DTypeCode(type)), this);
        public Tensor sum(long dim, bool keepdim = false, ScalarType? type = null) => sum([dim], keepdim, type);
        public Tensor sum(int dim, bool keepdim = false, ScalarType? type = null) => sum([dim], keepdim, type);
        public Tensor sum(long[] dim, bool keepdim = false, ScalarType? type = null) => sum((ReadOnlySpan<long>)NotNull(dim), keepdim, type);
        public unsafe Tensor sum(ReadOnlySpan<long> dim, bool keepdim = false, ScalarType? type = null)
        {
            fixed (long* p = dim) return Result(pg_sum(Handle, p, dim.Length, keepdim ? 1 : 0, DTypeCode(type)), this);
        }

        public unsafe Tensor mean(ScalarType? type = null) => Result(pg_mean(Handle, null, -1, 0, DTypeCode(type)), this);
        public Tensor mean(long[] dimensions, bool keepdim = false, ScalarType? type = null) =>
            mean((ReadOnlySpan<long>)NotNull(dimensions), keepdim, type);
        public unsafe Tensor mean(ReadOnlySpan<long> dimensions, bool keepdim = false, ScalarType? type = null)
        {
            fixed (long* p = dimensions) return Result(pg_mean(Handle, p, dimensions.Length, keepdim ? 1 : 0, DTypeCode(type)), this);
        }

        public Tensor prod(ScalarType? type = null) => Result(pg_prod(Handle, 0, 0, 0, DTypeCode(type)), this);
        public Tensor prod(long dim, bool keepdim = false, ScalarType? type = null) => Result(pg_prod(Handle, dim, 1, keepdim ? 1 : 0, DTypeCode(type)), this);
        public Tensor prod(int dim, bool keepdim = false, ScalarType? type = null) => prod((long)dim, keepdim, type);

        // ---- std / var (Bessel's correction when unbiased) -----------------------------------------

        public unsafe Tensor std(bool unbiased = true) => Result(pg_std(Handle, null, -1, unbiased ? 1 : 0, 0), this);
        public Tensor std(long dimension, bool unbiased = true, bool keepdim = false, ScalarType? type = null) =>
            std([dimension], unbiased, keepdim, type);
        public Tensor std(long[] dimensions, bool unbiased = true, bool keepdim = false, ScalarType? type = null) =>
            std((ReadOnlySpan<long>)NotNull(dimensions), unbiased, keepdim, type);
        public unsafe Tensor std(ReadOnlySpan<long> dimensions, bool unbiased = true, bool keepdim = false, ScalarType? type = null)
        {
            using Tensor? converted = type is { } t ? to_type(t) : null;
            Tensor input = converted ?? this;
            fixed (long* p = dimensions) return Result(pg_std(input.Handle, p, dimensions.Length, unbiased ? 1 : 0, keepdim ? 1 : 0), this, input);
        }

        public unsafe Tensor var(bool unbiased = true) => Result(pg_var(Handle, null, -1, unbiased ? 1 : 0, 0), this);
        public Tensor var(long dimension, bool unbiased = true, bool keepdim = false, ScalarType? type = null) =>
            var([dimension], unbiased, keepdim, type);
        public Tensor var(long[] dimensions, bool unbiased = true, bool keepdim = false, ScalarType? type = null) =>
            var((ReadOnlySpan<long>)NotNull(dimensions), unbiased, keepdim, type);
        public unsafe Tensor var(ReadOnlySpan<long> dimensions, bool unbiased = true, bool keepdim = false, ScalarType? type = null)
        {
            using Tensor? converted = type is { } t ? to_type(t) : null;
            Tensor input = converted ?? this;
            fixed (long* p = dimensions) return Result(pg_var(input.Handle, p, dimensions.Length, unbiased ? 1 : 0, keepdim ? 1 : 0), this, input);
        }

        // ---- norms and log-sum-exp ---------------------------------------------------------------

        /// <summary>The p-norm of all elements (2 = Euclidean).</summary>
        public unsafe Tensor norm(float p = 2.0f) => Result(pg_norm(Handle, p, null, -1, 0), this);
        public Tensor norm(int dimension, bool keepdim = false, float p = 2.0f) => norm([(long)dimension], keepdim, p);
        public Tensor norm(int[] dimensions, bool keepdim = false, float p = 2.0f)
        {
            ArgumentNullException.ThrowIfNull(dimensions);
            Span<long> dims = dimensions.Length <= 16 ? stackalloc long[dimensions.Length] : new long[dimensions.Length];
            for (int i = 0; i < dimensions.Length; i++) dims[i] = dimensions[i];
            return norm(dims, keepdim, p);
        }

        private unsafe Tensor norm(ReadOnlySpan<long> dims, bool keepdim, float p)
        {
            fixed (long* d = dims) return Result(pg_norm(Handle, p, d, dims.Length, keepdim ? 1 : 0), this);
        }

        public unsafe Tensor logsumexp(long dim, bool keepdim = false) => Result(pg_logsumexp(Handle, &dim, 1, keepdim ? 1 : 0), this);

        public unsafe Tensor amax(ReadOnlySpan<long> dims, bool keepdim = false)
        {
            fixed (long* p = dims) return Result(pg_amax(Handle, p, dims.Length, keepdim ? 1 : 0), this);
        }

        public unsafe Tensor amin(ReadOnlySpan<long> dims, bool keepdim = false)
        {
            fixed (long* p = dims) return Result(pg_amin(Handle, p, dims.Length, keepdim ? 1 : 0), this);
        }

        // ---- max / min / arg-reductions ------------------------------------------------------------

        /// <summary>The largest element (0-D).</summary>
        public Tensor max() => Result(pg_max_all(Handle), this);

        /// <summary>Element-wise maximum with <paramref name="other"/> (TorchSharp's alias of maximum).</summary>
        public Tensor max(Tensor other) => maximum(other);

        /// <summary>The largest values along <paramref name="dim"/> and their positions.</summary>
        public unsafe (Tensor values, Tensor indexes) max(long dim, bool keepdim = false)
        {
            IntPtr values, indexes;
            return Pair(pg_max_dim(Handle, dim, keepdim ? 1 : 0, &values, &indexes), values, indexes, this);
        }

        public Tensor min() => Result(pg_min_all(Handle), this);

        public Tensor min(Tensor other) => minimum(other);

        public unsafe (Tensor values, Tensor indexes) min(long dim, bool keepdim = false)
        {
            IntPtr values, indexes;
            return Pair(pg_min_dim(Handle, dim, keepdim ? 1 : 0, &values, &indexes), values, indexes, this);
        }

        /// <summary>Index of the largest element of the flattened tensor.</summary>
        public Tensor argmax() => Result(pg_argmax(Handle, 0, 0, 0), this);
        public Tensor argmax(long dim, bool keepdim = false) => Result(pg_argmax(Handle, dim, 1, keepdim ? 1 : 0), this);
        public Tensor argmin() => Result(pg_argmin(Handle, 0, 0, 0), this);
        public Tensor argmin(long dim, bool keepdim = false) => Result(pg_argmin(Handle, dim, 1, keepdim ? 1 : 0), this);

        // ---- logical ----------------------------------------------------------------------------

        /// <summary>True (0-D bool) when every element is non-zero.</summary>
        public Tensor all() => Result(pg_all(Handle, 0, 0, 0), this);
        public Tensor all(long dim, bool keepdim = false) => Result(pg_all(Handle, dim, 1, keepdim ? 1 : 0), this);
        public Tensor any() => Result(pg_any(Handle, 0, 0, 0), this);
        public Tensor any(long dim, bool keepdim = false) => Result(pg_any(Handle, dim, 1, keepdim ? 1 : 0), this);

        public unsafe Tensor count_nonzero(long[]? dims = null)
        {
            fixed (long* p = dims) return Result(pg_count_nonzero(Handle, p, dims?.Length ?? -1), this);
        }

        // ---- ordering ---------------------------------------------------------------------------

        /// <summary>The <paramref name="k"/> largest (or smallest) elements along <paramref name="dim"/> and their positions.</summary>
        public unsafe (Tensor values, Tensor indexes) topk(int k, int dim = -1, bool largest = true, bool sorted = true)
        {
            IntPtr values, indexes;
            return Pair(pg_topk(Handle, k, dim, largest ? 1 : 0, sorted ? 1 : 0, &values, &indexes), values, indexes, this);
        }

        /// <summary>Sorted values along <paramref name="dim"/> and the permutation that sorts them.</summary>
        public unsafe (Tensor Values, Tensor Indices) sort(long dim = -1, bool descending = false, bool stable = false)
        {
            IntPtr values, indexes;
            return Pair(pg_sort(Handle, dim, descending ? 1 : 0, stable ? 1 : 0, &values, &indexes), values, indexes, this);
        }

        public Tensor argsort(long dim = -1, bool descending = false) => Result(pg_argsort(Handle, dim, descending ? 1 : 0), this);

        // ---- scans ---------------------------------------------------------------------------------

        public Tensor cumsum(long dim, ScalarType? type = null) => Result(pg_cumsum(Handle, dim, DTypeCode(type)), this);
        public Tensor cumprod(long dim, ScalarType? type = null) => Result(pg_cumprod(Handle, dim, DTypeCode(type)), this);
    }
}
