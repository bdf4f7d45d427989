using System.Runtime.CompilerServices;
using static PruneGen.Torch.Native.NativeMethods;

namespace PruneGen.Torch;

public static partial class torch
{
    public partial class Tensor
    {
        // Every op wraps its native result through Result(...), passing the input tensors along.
        // That keeps the inputs reachable until the native call has returned: otherwise a temporary
        // input referenced only by the call (e.g. `randn(3).neg()` outside any dispose scope) could be
        // finalized on the finalizer thread, freeing its at::Tensor while libtorch still reads it.

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal static Tensor Result(IntPtr handle, Tensor input)
        {
            var result = new Tensor(handle);
            GC.KeepAlive(input);
            return result;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal static Tensor Result(IntPtr handle, Tensor input, Tensor? other)
        {
            var result = new Tensor(handle);
            GC.KeepAlive(input);
            GC.KeepAlive(other);
            return result;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal static Tensor Result(IntPtr handle, Tensor input, Tensor? other, Tensor? third)
        {
            var result = new Tensor(handle);
            GC.KeepAlive(input);
            GC.KeepAlive(other);
            GC.KeepAlive(third);
            return result;
        }

        /// <summary>Returns <paramref name="value"/> after keeping this tensor alive up to here (see Result).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal T Alive<T>(T value)
        {
            GC.KeepAlive(this);
            return value;
        }

        /// <summary>Completes an in-place op: throws on failure, returns this tensor (as TorchSharp does).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal Tensor InPlace(int status, Tensor? other = null, Tensor? third = null)
        {
            Check(status);
            GC.KeepAlive(other);
            GC.KeepAlive(third);
            return this;
        }

        /// <summary>Wraps the two handles written by a two-result op (max(dim), sort, topk).</summary>
        internal static (Tensor, Tensor) Pair(int status, IntPtr first, IntPtr second, Tensor input)
        {
            Check(status);
            var a = new Tensor(first);
            var b = new Tensor(second);
            GC.KeepAlive(input);
            return (a, b);
        }

        /// <summary>Takes the results an op parked on this thread (split, chunk, unbind).</summary>
        internal static unsafe Tensor[] TakeResults(int count, Tensor input)
        {
            Check(count);
            Span<IntPtr> handles = count <= 64 ? stackalloc IntPtr[count] : new IntPtr[count];
            fixed (IntPtr* p = handles) Check(pg_take_results(p, count));
            var results = new Tensor[count];
            for (int i = 0; i < count; i++) results[i] = new Tensor(handles[i]);
            GC.KeepAlive(input);
            return results;
        }
    }

    // ---- argument encoding shared by factories and conversions ------------------------------------

    /// <summary>The shim's code for an optional dtype (-1 = not given), rejecting values libtorch does not know.</summary>
    internal static int DTypeCode(ScalarType? dtype) => dtype is { } t ? (int)ValidDType(t) : -1;

    internal static ScalarType ValidDType(ScalarType dtype) => dtype switch
    {
        ScalarType.Byte or ScalarType.Int8 or ScalarType.Int16 or ScalarType.Int32 or ScalarType.Int64 or
        ScalarType.Float16 or ScalarType.Float32 or ScalarType.Float64 or ScalarType.Bool or ScalarType.BFloat16 => dtype,
        // An undefined value would index past libtorch's type tables instead of raising an error.
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "not a supported element type"),
    };

    /// <summary>The shim's (type, index) for an optional device; type -1 = not given (CPU for factories).</summary>
    internal static (int type, int index) DeviceCode(Device? device)
    {
        if (device is null) return (-1, -1);
        // Release builds of libtorch do not validate device indices, so check them here.
        switch (device.type)
        {
            case DeviceType.CPU:
                if (device.index > 0) throw new ArgumentException($"CPU device index must be -1 or 0, got {device.index}", nameof(device));
                return ((int)DeviceType.CPU, -1);
            case DeviceType.CUDA:
                if (device.index < -1) throw new ArgumentException($"CUDA device index must be -1 (current) or a device number, got {device.index}", nameof(device));
                return ((int)DeviceType.CUDA, device.index);
            default:
                throw new ArgumentOutOfRangeException(nameof(device), device.type, "unknown device type");
        }
    }

    internal static int MemoryFormatCode(MemoryFormat format) => format switch
    {
        MemoryFormat.Contiguous or MemoryFormat.Preserve or MemoryFormat.ChannelsLast or MemoryFormat.ChannelsLast3d => (int)format,
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "unknown memory format"),
    };

    /// <summary>Unpacks an optional scalar into the shim's (double, long, kind) triple; kind -1 = not given.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Unpack(Scalar? value, out double d, out long l, out int k)
    {
        if (value is { } s)
        {
            d = s.D;
            l = s.L;
            k = s.K;
        }
        else
        {
            d = 0;
            l = 0;
            k = Scalar.AbsentKind;
        }
    }
}
