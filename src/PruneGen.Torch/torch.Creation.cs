using static PruneGen.Torch.Native.NativeMethods;

namespace PruneGen.Torch;

/// <summary>Tensor factories with TorchSharp's names and signatures (dtype, device and requires_grad options).</summary>
public static partial class torch
{
    // Shape overloads for 1-4 dimensions build the size on the stack: no array per call.

    // ---- zeros -------------------------------------------------------------------------------------
    /// <summary>Creates a tensor of the given shape filled with zeros.</summary>
    public static Tensor zeros(long[] size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => Factory(Fill.Zeros, NotNull(size), dtype, device, requires_grad);
    public static Tensor zeros(ReadOnlySpan<long> size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => Factory(Fill.Zeros, size, dtype, device, requires_grad);
    public static Tensor zeros(long size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => Factory(Fill.Zeros, [size], dtype, device, requires_grad);
    public static Tensor zeros(long rows, long columns, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => Factory(Fill.Zeros, [rows, columns], dtype, device, requires_grad);
    public static Tensor zeros(long dim0, long dim1, long dim2, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => Factory(Fill.Zeros, [dim0, dim1, dim2], dtype, device, requires_grad);
    public static Tensor zeros(long dim0, long dim1, long dim2, long dim3, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => Factory(Fill.Zeros, [dim0, dim1, dim2, dim3], dtype, device, requires_grad);
    public static Tensor zeros(int size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => Factory(Fill.Zeros, [size], dtype, device, requires_grad);
    public static Tensor zeros(int rows, int columns, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => Factory(Fill.Zeros, [rows, columns], dtype, device, requires_grad);
    public static Tensor zeros(int dim0, int dim1, int dim2, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => Factory(Fill.Zeros, [dim0, dim1, dim2], dtype, device, requires_grad);
    public static Tensor zeros(int dim0, int dim1, int dim2, int dim3, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => Factory(Fill.Zeros, [dim0, dim1, dim2, dim3], dtype, device, requires_grad);

    // ---- ones --------------------------------------------------------------------------------------
    /// <summary>Creates a tensor of the given shape filled with ones.</summary>
    public static Tensor ones(long[] size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => Factory(Fill.Ones, NotNull(size), dtype, device, requires_grad);
    public static Tensor ones(ReadOnlySpan<long> size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => Factory(Fill.Ones, size, dtype, device, requires_grad);
    public static Tensor ones(long size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => Factory(Fill.Ones, [size], dtype, device, requires_grad);
    public static Tensor ones(long rows, long columns, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => Factory(Fill.Ones, [rows, columns], dtype, device, requires_grad);
    public static Tensor ones(long dim0, long dim1, long dim2, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => Factory(Fill.Ones, [dim0, dim1, dim2], dtype, device, requires_grad);
    public static Tensor ones(long dim0, long dim1, long dim2, long dim3, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => Factory(Fill.Ones, [dim0, dim1, dim2, dim3], dtype, device, requires_grad);
    public static Tensor ones(int size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => Factory(Fill.Ones, [size], dtype, device, requires_grad);
    public static Tensor ones(int rows, int columns, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => Factory(Fill.Ones, [rows, columns], dtype, device, requires_grad);
    public static Tensor ones(int dim0, int dim1, int dim2, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => Factory(Fill.Ones, [dim0, dim1, dim2], dtype, device, requires_grad);
    public static Tensor ones(int dim0, int dim1, int dim2, int dim3, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => Factory(Fill.Ones, [dim0, dim1, dim2, dim3], dtype, device, requires_grad);

    // ---- empty -------------------------------------------------------------------------------------
    /// <summary>Creates a tensor of the given shape with uninitialized memory.</summary>
    public static Tensor empty(long[] size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => Factory(Fill.Empty, NotNull(size), dtype, device, requires_grad);
    public static Tensor empty(ReadOnlySpan<long> size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => Factory(Fill.Empty, size, dtype, device, requires_grad);
    public static Tensor empty(long size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => Factory(Fill.Empty, [size], dtype, device, requires_grad);
    public static Tensor empty(long rows, long columns, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => Factory(Fill.Empty, [rows, columns], dtype, device, requires_grad);
    public static Tensor empty(long dim0, long dim1, long dim2, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => Factory(Fill.Empty, [dim0, dim1, dim2], dtype, device, requires_grad);
    public static Tensor empty(long dim0, long dim1, long dim2, long dim3, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => Factory(Fill.Empty, [dim0, dim1, dim2, dim3], dtype, device, requires_grad);
    public static Tensor empty(int size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => Factory(Fill.Empty, [size], dtype, device, requires_grad);
    public static Tensor empty(int rows, int columns, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => Factory(Fill.Empty, [rows, columns], dtype, device, requires_grad);
    public static Tensor empty(int dim0, int dim1, int dim2, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => Factory(Fill.Empty, [dim0, dim1, dim2], dtype, device, requires_grad);
    public static Tensor empty(int dim0, int dim1, int dim2, int dim3, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => Factory(Fill.Empty, [dim0, dim1, dim2, dim3], dtype, device, requires_grad);

    // ---- rand --------------------------------------------------------------------------------------
    /// <summary>Creates a tensor of the given shape filled with uniform random numbers in [0, 1).</summary>
    public static Tensor rand(long[] size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => Factory(Fill.Rand, NotNull(size), dtype, device, requires_grad);
    public static Tensor rand(ReadOnlySpan<long> size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => Factory(Fill.Rand, size, dtype, device, requires_grad);
    public static Tensor rand(long size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => Factory(Fill.Rand, [size], dtype, device, requires_grad);
    public static Tensor rand(long rows, long columns, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => Factory(Fill.Rand, [rows, columns], dtype, device, requires_grad);
    public static Tensor rand(long dim0, long dim1, long dim2, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => Factory(Fill.Rand, [dim0, dim1, dim2], dtype, device, requires_grad);
    public static Tensor rand(long dim0, long dim1, long dim2, long dim3, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => Factory(Fill.Rand, [dim0, dim1, dim2, dim3], dtype, device, requires_grad);
    public static Tensor rand(int size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => Factory(Fill.Rand, [size], dtype, device, requires_grad);
    public static Tensor rand(int rows, int columns, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => Factory(Fill.Rand, [rows, columns], dtype, device, requires_grad);
    public static Tensor rand(int dim0, int dim1, int dim2, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => Factory(Fill.Rand, [dim0, dim1, dim2], dtype, device, requires_grad);
    public static Tensor rand(int dim0, int dim1, int dim2, int dim3, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => Factory(Fill.Rand, [dim0, dim1, dim2, dim3], dtype, device, requires_grad);

    // ---- randn -------------------------------------------------------------------------------------
    /// <summary>Creates a tensor of the given shape filled with standard normal random numbers.</summary>
    public static Tensor randn(long[] size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => Factory(Fill.Randn, NotNull(size), dtype, device, requires_grad);
    public static Tensor randn(ReadOnlySpan<long> size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => Factory(Fill.Randn, size, dtype, device, requires_grad);
    public static Tensor randn(long size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => Factory(Fill.Randn, [size], dtype, device, requires_grad);
    public static Tensor randn(long rows, long columns, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => Factory(Fill.Randn, [rows, columns], dtype, device, requires_grad);
    public static Tensor randn(long dim0, long dim1, long dim2, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => Factory(Fill.Randn, [dim0, dim1, dim2], dtype, device, requires_grad);
    public static Tensor randn(long dim0, long dim1, long dim2, long dim3, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => Factory(Fill.Randn, [dim0, dim1, dim2, dim3], dtype, device, requires_grad);
    public static Tensor randn(int size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => Factory(Fill.Randn, [size], dtype, device, requires_grad);
    public static Tensor randn(int rows, int columns, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => Factory(Fill.Randn, [rows, columns], dtype, device, requires_grad);
    public static Tensor randn(int dim0, int dim1, int dim2, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => Factory(Fill.Randn, [dim0, dim1, dim2], dtype, device, requires_grad);
    public static Tensor randn(int dim0, int dim1, int dim2, int dim3, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => Factory(Fill.Randn, [dim0, dim1, dim2, dim3], dtype, device, requires_grad);

    // ---- full ---------------------------------------------------------------------------------

    /// <summary>
    /// Creates a tensor filled with <paramref name="value"/>. Without a dtype the element type follows
    /// the value, as in PyTorch: an integral value gives int64, a floating one the default float32.
    /// </summary>
    public static Tensor full(long[] size, Scalar value, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        Full(NotNull(size), value, dtype, device, requires_grad);
    public static Tensor full(ReadOnlySpan<long> size, Scalar value, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        Full(size, value, dtype, device, requires_grad);
    public static Tensor full(long size, Scalar value, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        Full([size], value, dtype, device, requires_grad);
    public static Tensor full(long rows, long columns, Scalar value, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        Full([rows, columns], value, dtype, device, requires_grad);
    public static Tensor full(long dim0, long dim1, long dim2, Scalar value, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        Full([dim0, dim1, dim2], value, dtype, device, requires_grad);
    public static Tensor full(long dim0, long dim1, long dim2, long dim3, Scalar value, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        Full([dim0, dim1, dim2, dim3], value, dtype, device, requires_grad);

    // ---- ranges -------------------------------------------------------------------------------

    /// <summary>
    /// Values from <paramref name="start"/> (inclusive) to <paramref name="stop"/> (exclusive) in steps of
    /// <paramref name="step"/>. Without a dtype: int64 when all three are integral, else float32.
    /// </summary>
    public static Tensor arange(Scalar start, Scalar stop, Scalar step, ScalarType? dtype = null, Device? device = null, bool requires_grad = false)
    {
        var (devType, devIndex) = DeviceCode(device);
        return new Tensor(pg_arange(start.D, start.L, start.K, stop.D, stop.L, stop.K, step.D, step.L, step.K,
            DTypeCode(dtype), devType, devIndex, requires_grad ? 1 : 0));
    }

    public static Tensor arange(Scalar start, Scalar stop, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        arange(start, stop, 1, dtype, device, requires_grad);

    public static Tensor arange(Scalar stop, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        arange(0, stop, 1, dtype, device, requires_grad);

    /// <summary><paramref name="steps"/> evenly spaced values from <paramref name="start"/> to <paramref name="end"/>, both included.</summary>
    public static Tensor linspace(double start, double end, long steps, ScalarType? dtype = null, Device? device = null, bool requires_grad = false)
    {
        var (devType, devIndex) = DeviceCode(device);
        return new Tensor(pg_linspace(start, end, steps, DTypeCode(dtype), devType, devIndex, requires_grad ? 1 : 0));
    }

    /// <summary>A 2-D tensor with ones on the diagonal; <paramref name="columns"/> defaults to <paramref name="rows"/>.</summary>
    public static Tensor eye(long rows, long columns = -1L, ScalarType? dtype = null, Device? device = null, bool requires_grad = false)
    {
        var (devType, devIndex) = DeviceCode(device);
        return new Tensor(pg_eye(rows, columns, DTypeCode(dtype), devType, devIndex, requires_grad ? 1 : 0));
    }

    // ---- random integers and permutations -----------------------------------------------------

    /// <summary>Random integers in [0, <paramref name="high"/>); int64 unless a dtype is given.</summary>
    public static Tensor randint(long high, long[] size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        randint(0, high, (ReadOnlySpan<long>)NotNull(size), dtype, device, requires_grad);

    public static Tensor randint(long high, ReadOnlySpan<long> size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        randint(0, high, size, dtype, device, requires_grad);

    public static Tensor randint(long low, long high, long[] size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        randint(low, high, (ReadOnlySpan<long>)NotNull(size), dtype, device, requires_grad);

    /// <summary>Random integers in [<paramref name="low"/>, <paramref name="high"/>); int64 unless a dtype is given.</summary>
    public static unsafe Tensor randint(long low, long high, ReadOnlySpan<long> size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false)
    {
        var (devType, devIndex) = DeviceCode(device);
        // libtorch's C++ randint defaults to float; PyTorch and TorchSharp default to int64.
        int dt = DTypeCode(dtype ?? ScalarType.Int64);
        fixed (long* p = size)
            return new Tensor(pg_randint(low, high, p, size.Length, dt, devType, devIndex, requires_grad ? 1 : 0));
    }

    /// <summary>A random permutation of 0 .. n-1 (int64 unless a dtype is given).</summary>
    public static Tensor randperm(long n, ScalarType? dtype = null, Device? device = null, bool requires_grad = false)
    {
        var (devType, devIndex) = DeviceCode(device);
        return new Tensor(pg_randperm(n, DTypeCode(dtype ?? ScalarType.Int64), devType, devIndex, requires_grad ? 1 : 0));
    }

    /// <summary>Draws 0 or 1 for every element, with the element's value as the probability of 1.</summary>
    public static Tensor bernoulli(Tensor input) => input.bernoulli();

    // ---- *_like -------------------------------------------------------------------------------

    public static Tensor zeros_like(Tensor input, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        input.zeros_like(dtype, device, requires_grad);
    public static Tensor ones_like(Tensor input, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        input.ones_like(dtype, device, requires_grad);
    public static Tensor empty_like(Tensor input, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        input.empty_like(dtype, device, requires_grad);
    public static Tensor full_like(Tensor input, Scalar value, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        input.full_like(value, dtype, device, requires_grad);
    public static Tensor rand_like(Tensor input, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        input.rand_like(dtype, device, requires_grad);
    public static Tensor randn_like(Tensor input, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        input.randn_like(dtype, device, requires_grad);
    public static Tensor randint_like(Tensor input, long low, long high, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        input.randint_like(low, high, dtype, device, requires_grad);

    // ---- from .NET arrays (the 1-D forms are in Tensor.cs) ------------------------------------

    /// <summary>Copies a 1-D array into a tensor of the given shape, element type and device.</summary>
    public static Tensor tensor<T>(T[] data, long[] dimensions, ScalarType? dtype, Device? device = null, bool requires_grad = false) where T : unmanaged =>
        Converted(tensor<T>((ReadOnlySpan<T>)NotNull(data), NotNull(dimensions)), dtype, device, requires_grad);

    /// <summary>Copies a 2-D array (row-major) into a tensor of shape [rows, columns].</summary>
    public static Tensor tensor<T>(T[,] data, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) where T : unmanaged =>
        FromMultiDimensional<T>(NotNull(data), [data.GetLength(0), data.GetLength(1)], dtype, device, requires_grad);

    public static Tensor tensor<T>(T[,,] data, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) where T : unmanaged =>
        FromMultiDimensional<T>(NotNull(data), [data.GetLength(0), data.GetLength(1), data.GetLength(2)], dtype, device, requires_grad);

    public static Tensor tensor<T>(T[,,,] data, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) where T : unmanaged =>
        FromMultiDimensional<T>(NotNull(data), [data.GetLength(0), data.GetLength(1), data.GetLength(2), data.GetLength(3)], dtype, device, requires_grad);

    private static Tensor FromMultiDimensional<T>(Array data, long[] shape, ScalarType? dtype, Device? device, bool requires_grad) where T : unmanaged
    {
        // A multi-dimensional array stores its elements contiguously in row-major order.
        ReadOnlySpan<T> elements = System.Runtime.InteropServices.MemoryMarshal.CreateReadOnlySpan(
            ref System.Runtime.CompilerServices.Unsafe.As<byte, T>(ref System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(data)), data.Length);
        return Converted(tensor<T>(elements, shape), dtype, device, requires_grad);
    }

    private static Tensor Converted(Tensor t, ScalarType? dtype, Device? device, bool requires_grad)
    {
        if (dtype is null && device is null)
        {
            if (requires_grad) t.requires_grad = true;
            return t;
        }
        Tensor converted;
        using (t)
        {
            var (devType, devIndex) = DeviceCode(device);
            converted = new Tensor(pg_to(t.Handle, DTypeCode(dtype), devType, devIndex, 0, 1, -1));
        }
        if (requires_grad) converted.requires_grad = true;
        return converted;
    }

    // ---- shared implementation ----------------------------------------------------------------

    private enum Fill { Zeros, Ones, Empty, Rand, Randn }

    private static unsafe Tensor Factory(Fill fill, ReadOnlySpan<long> size, ScalarType? dtype, Device? device, bool requires_grad)
    {
        int dt = DTypeCode(dtype);
        var (devType, devIndex) = DeviceCode(device);
        int rg = requires_grad ? 1 : 0;
        fixed (long* p = size)
        {
            IntPtr handle = fill switch
            {
                Fill.Zeros => pg_zeros(p, size.Length, dt, devType, devIndex, rg),
                Fill.Ones => pg_ones(p, size.Length, dt, devType, devIndex, rg),
                Fill.Empty => pg_empty(p, size.Length, dt, devType, devIndex, rg),
                Fill.Rand => pg_rand(p, size.Length, dt, devType, devIndex, rg),
                _ => pg_randn(p, size.Length, dt, devType, devIndex, rg),
            };
            return new Tensor(handle);
        }
    }

    private static unsafe Tensor Full(ReadOnlySpan<long> size, Scalar value, ScalarType? dtype, Device? device, bool requires_grad)
    {
        var (devType, devIndex) = DeviceCode(device);
        fixed (long* p = size)
            return new Tensor(pg_full(p, size.Length, value.D, value.L, value.K, DTypeCode(dtype), devType, devIndex, requires_grad ? 1 : 0));
    }

    internal static T NotNull<T>(T? value, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(value))] string? name = null) where T : class =>
        value ?? throw new ArgumentNullException(name);
}
