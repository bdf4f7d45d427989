using static PruneGen.Torch.Native.NativeMethods;

namespace PruneGen.Torch;

public static partial class torch
{
    public partial class Tensor
    {
        // Size lists are `params ReadOnlySpan<long>`: `x.view(2, 3)` then needs no array, and callers
        // passing a long[] (TorchSharp's signature) still compile.

        /// <summary>A view with a new shape (one dimension may be -1); fails if the layout does not allow a view.</summary>
        public unsafe Tensor view(params ReadOnlySpan<long> shape)
        {
            fixed (long* p = shape) return Result(pg_view(Handle, p, shape.Length), this);
        }

        public Tensor view_as(Tensor other) => Result(pg_view_as(Handle, other.Handle), this, other);

        /// <summary>The same data with a new shape: a view when possible, otherwise a copy.</summary>
        public unsafe Tensor reshape(params ReadOnlySpan<long> shape)
        {
            fixed (long* p = shape) return Result(pg_reshape(Handle, p, shape.Length), this);
        }

        public Tensor reshape_as(Tensor other) => Result(pg_reshape_as(Handle, other.Handle), this, other);

        /// <summary>Flattens dims <paramref name="start_dim"/> .. <paramref name="end_dim"/> into one.</summary>
        public Tensor flatten(long start_dim = 0, long end_dim = -1) => Result(pg_flatten(Handle, start_dim, end_dim), this);

        /// <summary>Splits dimension <paramref name="dim"/> into the given sizes.</summary>
        public unsafe Tensor unflatten(long dim, params ReadOnlySpan<long> sizes)
        {
            fixed (long* p = sizes) return Result(pg_unflatten(Handle, dim, p, sizes.Length), this);
        }

        public unsafe Tensor permute(params ReadOnlySpan<long> dims)
        {
            fixed (long* p = dims) return Result(pg_permute(Handle, p, dims.Length), this);
        }

        public Tensor transpose(long dim0, long dim1) => Result(pg_transpose(Handle, dim0, dim1), this);
        public Tensor swapdims(long dim0, long dim1) => transpose(dim0, dim1);
        public Tensor swapaxes(long dim0, long dim1) => transpose(dim0, dim1);

        /// <summary>Transposes a 2-D tensor (a 0-D or 1-D tensor is returned as is).</summary>
        public Tensor t() => Result(pg_t(Handle), this);

        /// <summary>This tensor with all its dimensions reversed.</summary>
        public Tensor T
        {
            get
            {
                int n = (int)Dimensions;
                Span<long> dims = n <= 16 ? stackalloc long[n] : new long[n];
                for (int i = 0; i < n; i++) dims[i] = n - 1 - i;
                return permute(dims);
            }
        }

        public Tensor unsqueeze(long dim) => Result(pg_unsqueeze(Handle, dim), this);

        /// <summary>Removes dimensions of size 1: all of them, or only <paramref name="dim"/> when given.</summary>
        public Tensor squeeze(long? dim = null) =>
            Result(dim is { } d ? pg_squeeze_dim(Handle, d) : pg_squeeze(Handle), this);

        /// <summary>
        /// This tensor laid out densely in <paramref name="memory_format"/> (row-major by default;
        /// <see cref="MemoryFormat.ChannelsLast"/> for NHWC). Returns this tensor's data uncopied when
        /// it already has that layout.
        /// </summary>
        public Tensor contiguous(MemoryFormat memory_format = MemoryFormat.Contiguous) =>
            Result(pg_contiguous(Handle, MemoryFormatCode(memory_format)), this);

        /// <summary>A broadcast view with the given sizes (-1 keeps a dimension).</summary>
        public unsafe Tensor expand(long[] sizes, bool isImplicit = false)
        {
            ArgumentNullException.ThrowIfNull(sizes);
            fixed (long* p = sizes) return Result(pg_expand(Handle, p, sizes.Length, isImplicit ? 1 : 0), this);
        }

        public unsafe Tensor expand(params ReadOnlySpan<long> sizes)
        {
            fixed (long* p = sizes) return Result(pg_expand(Handle, p, sizes.Length, 0), this);
        }

        public Tensor expand_as(Tensor other) => Result(pg_expand_as(Handle, other.Handle), this, other);

        /// <summary>Tiles the data: dimension i is repeated repeats[i] times.</summary>
        public unsafe Tensor repeat(params ReadOnlySpan<long> repeats)
        {
            fixed (long* p = repeats) return Result(pg_repeat(Handle, p, repeats.Length), this);
        }

        public unsafe Tensor flip(params ReadOnlySpan<long> dims)
        {
            fixed (long* p = dims) return Result(pg_flip(Handle, p, dims.Length), this);
        }

        public unsafe Tensor as_strided(long[] size, long[] strides, long storageOffset = 0L)
        {
            ArgumentNullException.ThrowIfNull(size);
            ArgumentNullException.ThrowIfNull(strides);
            // as_strided can address memory outside the storage; libtorch checks the extent.
            fixed (long* ps = size)
            fixed (long* pt = strides)
                return Result(pg_as_strided(Handle, ps, size.Length, pt, strides.Length, storageOffset), this);
        }

        // ---- slicing and indexing --------------------------------------------------------------

        /// <summary>A view of <paramref name="length"/> entries of <paramref name="dim"/> starting at <paramref name="start"/>.</summary>
        public Tensor narrow(long dim, long start, long length) => Result(pg_narrow(Handle, dim, start, length), this);

        /// <summary>A view of entries start, start+step, ... before <paramref name="finish"/> along <paramref name="dim"/>.</summary>
        public Tensor slice(long dim, long start, long finish, long step) => Result(pg_slice(Handle, dim, start, finish, step), this);

        /// <summary>A view of entry <paramref name="index"/> of <paramref name="dim"/>, with that dimension removed.</summary>
        public Tensor select(long dim, long index) => Result(pg_select(Handle, dim, index), this);

        /// <summary>The entries of <paramref name="dim"/> listed in the 1-D int64/int32 tensor <paramref name="index"/> (a copy).</summary>
        public Tensor index_select(long dim, Tensor index) => Result(pg_index_select(Handle, dim, index.Handle), this, index);

        /// <summary>out[i][j] = this[index[i][j]][j] for dim 0 (and likewise for other dims).</summary>
        public Tensor gather(long dim, Tensor index) => Result(pg_gather(Handle, dim, index.Handle), this, index);

        public Tensor scatter(long dim, Tensor index, Tensor src) => Result(pg_scatter(Handle, dim, index.Handle, src.Handle), this, index, src);

        public Tensor scatter_(long dim, Tensor index, Tensor src) => InPlace(pg_scatter_(Handle, dim, index.Handle, src.Handle), index, src);

        public Tensor index_fill_(long dim, Tensor index, Scalar value) =>
            InPlace(pg_index_fill_(Handle, dim, index.Handle, value.D, value.L, value.K), index);

        public Tensor index_copy_(long dim, Tensor index, Tensor source) =>
            InPlace(pg_index_copy_(Handle, dim, index.Handle, source.Handle), index, source);

        public Tensor index_add_(long dim, Tensor index, Tensor source) => index_add_(dim, index, source, 1);

        public Tensor index_add_(long dim, Tensor index, Tensor source, Scalar alpha) =>
            InPlace(pg_index_add_(Handle, dim, index.Handle, source.Handle, alpha.D, alpha.L, alpha.K), index, source);

        /// <summary>A copy with <paramref name="value"/> where the (broadcast) bool <paramref name="mask"/> is true.</summary>
        public Tensor masked_fill(Tensor mask, Scalar value) => Result(pg_masked_fill(Handle, mask.Handle, value.D, value.L, value.K), this, mask);

        public Tensor masked_fill_(Tensor mask, Scalar value) => InPlace(pg_masked_fill_(Handle, mask.Handle, value.D, value.L, value.K), mask);

        /// <summary>The elements where the bool <paramref name="mask"/> is true, as a 1-D tensor.</summary>
        public Tensor masked_select(Tensor mask) => Result(pg_masked_select(Handle, mask.Handle), this, mask);

        /// <summary>Elements of this tensor where <paramref name="condition"/> holds, else of <paramref name="y"/> (torch.where(condition, this, y)).</summary>
        public Tensor where(Tensor condition, Tensor y) => torch.where(condition, this, y);

        /// <summary>The indices of the non-zero elements, one row per element (shape [count, dims]).</summary>
        public Tensor nonzero() => Result(pg_nonzero(Handle), this);

        /// <summary>Elements at the given indices of the flattened tensor.</summary>
        public Tensor take(Tensor index) => Result(pg_take(Handle, index.Handle), this, index);

        /// <summary>Entry <paramref name="i1"/> of the first dimension (a view); setting copies into it.</summary>
        public Tensor this[long i1]
        {
            get => select(0, i1);
            set
            {
                using Tensor target = select(0, i1);
                target.copy_(value);
            }
        }

        /// <summary>Entry [<paramref name="i1"/>, <paramref name="i2"/>] (a view); setting copies into it.</summary>
        public Tensor this[long i1, long i2]
        {
            get
            {
                using Tensor row = select(0, i1);
                return row.select(0, i2);
            }
            set
            {
                using Tensor row = select(0, i1);
                using Tensor target = row.select(0, i2);
                target.copy_(value);
            }
        }

        // ---- splitting ---------------------------------------------------------------------------

        /// <summary>Splits into pieces of <paramref name="size"/> along <paramref name="dim"/> (the last may be smaller).</summary>
        public Tensor[] split(long size, long dim = 0) => TakeResults(pg_split(Handle, size, dim), this);

        /// <summary>Splits into pieces of the given sizes along <paramref name="dim"/>.</summary>
        public unsafe Tensor[] split(long[] sizes, long dim = 0)
        {
            ArgumentNullException.ThrowIfNull(sizes);
            fixed (long* p = sizes) return TakeResults(pg_split_with_sizes(Handle, p, sizes.Length, dim), this);
        }

        /// <summary>Splits into <paramref name="chunks"/> pieces of (nearly) equal size along <paramref name="dim"/>.</summary>
        public Tensor[] chunk(long chunks, long dim = 0) => TakeResults(pg_chunk(Handle, chunks, dim), this);

        /// <summary>The slices along <paramref name="dimension"/>, each without that dimension.</summary>
        public Tensor[] unbind(long dimension = 0) => TakeResults(pg_unbind(Handle, dimension), this);

        // ---- in-place fill and copy ----------------------------------------------------------------

        public Tensor zero_() => InPlace(pg_zero_(Handle));

        public Tensor fill_(Scalar value) => InPlace(pg_fill_(Handle, value.D, value.L, value.K));

        /// <summary>Copies <paramref name="source"/> (broadcast, converted to this dtype and device) into this tensor.</summary>
        public Tensor copy_(Tensor source, bool non_blocking = false) => InPlace(pg_copy_(Handle, source.Handle, non_blocking ? 1 : 0), source);
    }

    // ---- static forms ----------------------------------------------------------------------------

    /// <summary>Concatenates tensors along an existing dimension.</summary>
    public static Tensor cat(IList<Tensor> tensors, long dim = 0) => JoinTensors(tensors, dim, stack: false);

    public static Tensor concat(IList<Tensor> tensors, long dim = 0) => cat(tensors, dim);

    /// <summary>Stacks same-shaped tensors along a new dimension.</summary>
    public static Tensor stack(IList<Tensor> tensors, long dim = 0) => JoinTensors(tensors, dim, stack: true);

    public static Tensor stack(IEnumerable<Tensor> tensors, long dim = 0) =>
        stack(tensors as IList<Tensor> ?? new List<Tensor>(tensors), dim);

    private static unsafe Tensor JoinTensors(IList<Tensor> tensors, long dim, bool stack)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        int n = tensors.Count;
        if (n == 0) throw new ArgumentException("expected a non-empty list of tensors", nameof(tensors));
        Span<IntPtr> handles = n <= 64 ? stackalloc IntPtr[n] : new IntPtr[n];
        for (int i = 0; i < n; i++)
            handles[i] = (tensors[i] ?? throw new ArgumentException($"tensor {i} of the list is null", nameof(tensors))).Handle;
        IntPtr result;
        fixed (IntPtr* p = handles) result = stack ? pg_stack(p, n, dim) : pg_cat(p, n, dim);
        GC.KeepAlive(tensors); // keeps the listed tensors (and so their handles) alive through the call
        return new Tensor(result);
    }

    /// <summary>Elements of <paramref name="x"/> where <paramref name="condition"/> holds, else of <paramref name="y"/> (broadcast).</summary>
    public static Tensor where(Tensor condition, Tensor x, Tensor y) =>
        Tensor.Result(pg_where(condition.Handle, x.Handle, y.Handle), condition, x, y);

    public static Tensor where(Tensor condition, Tensor x, Scalar y) =>
        Tensor.Result(pg_where_scalar(condition.Handle, x.Handle, y.D, y.L, y.K), condition, x);

    public static Tensor[] split(Tensor tensor, long size, long dim = 0) => tensor.split(size, dim);
    public static Tensor[] split(Tensor tensor, long[] sizes, long dim = 0) => tensor.split(sizes, dim);
    public static Tensor[] chunk(Tensor input, long chunks, long dim = 0) => input.chunk(chunks, dim);
    public static Tensor[] unbind(Tensor input, long dim = 0) => input.unbind(dim);
    public static Tensor flatten(Tensor input, long start_dim = 0, long end_dim = -1) => input.flatten(start_dim, end_dim);
    public static Tensor reshape(Tensor input, params ReadOnlySpan<long> shape) => input.reshape(shape);
    public static Tensor permute(Tensor input, params ReadOnlySpan<long> permutation) => input.permute(permutation);
    public static Tensor transpose(Tensor input, long dim0, long dim1) => input.transpose(dim0, dim1);
    public static Tensor t(Tensor input) => input.t();
    public static Tensor squeeze(Tensor input, long? dim = null) => input.squeeze(dim);
    public static Tensor unsqueeze(Tensor input, long dim) => input.unsqueeze(dim);
    public static Tensor narrow(Tensor input, long dim, long start, long length) => input.narrow(dim, start, length);
    public static Tensor select(Tensor input, long dim, long index) => input.select(dim, index);
    public static Tensor index_select(Tensor input, long dim, Tensor index) => input.index_select(dim, index);
    public static Tensor gather(Tensor input, long dim, Tensor index) => input.gather(dim, index);
    public static Tensor scatter(Tensor input, long dim, Tensor index, Tensor src) => input.scatter(dim, index, src);
    public static Tensor masked_fill(Tensor input, Tensor mask, Scalar value) => input.masked_fill(mask, value);
    public static Tensor masked_select(Tensor input, Tensor mask) => input.masked_select(mask);
    public static Tensor nonzero(Tensor input) => input.nonzero();
    public static Tensor take(Tensor input, Tensor index) => input.take(index);
    public static Tensor flip(Tensor input, params ReadOnlySpan<long> dims) => input.flip(dims);
}
