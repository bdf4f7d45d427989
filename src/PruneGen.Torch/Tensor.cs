using System.Runtime.InteropServices;
using PruneGen.Torch.Native;
using static PruneGen.Torch.Native.NativeMethods;

namespace PruneGen.Torch;

public static partial class torch
{
    /// <summary>
    /// A handle to a libtorch tensor. Dispose it (or create it inside a <see cref="DisposeScope"/>)
    /// to release native memory promptly; the finalizer is only a safety net.
    /// </summary>
    /// <remarks>This file holds lifetime and metadata; operators live in the other Tensor.*.cs files.</remarks>
    public partial class Tensor : IDisposable
    {
        private IntPtr _handle;

        /// <summary>The dispose scope that will dispose this tensor, if any.</summary>
        internal DisposeScope? OwningScope;

        /// <summary>Takes ownership of a handle returned by the shim (throws the shim's error if it is null).</summary>
        internal Tensor(IntPtr handle)
        {
            _handle = Check(handle);
            DisposeScope.Current?.Attach(this);
        }

        /// <summary>The native handle; throws <see cref="ObjectDisposedException"/> once disposed.</summary>
        public IntPtr Handle
        {
            get
            {
                if (_handle == IntPtr.Zero) ThrowDisposed();
                return _handle;
            }
        }

        public bool IsInvalid => _handle == IntPtr.Zero;

        private static void ThrowDisposed() =>
            throw new ObjectDisposedException(nameof(Tensor), "the tensor was disposed (directly or by its dispose scope) and cannot be used again");

        public void Dispose()
        {
            DisposeHandle();
            GC.SuppressFinalize(this);
        }

        ~Tensor() => DisposeHandle();

        private void DisposeHandle()
        {
            IntPtr h = Interlocked.Exchange(ref _handle, IntPtr.Zero);
            if (h != IntPtr.Zero) pg_tensor_free(h);
        }

        // ---- dispose-scope membership (TorchSharp names) ----------------------------------------

        /// <summary>Removes the tensor from its scope so that it outlives it; the caller now owns it.</summary>
        public Tensor DetachFromDisposeScope()
        {
            OwningScope?.Forget(this);
            return this;
        }

        /// <summary>Moves the tensor to the scope enclosing its current one (or detaches it if none).</summary>
        public Tensor MoveToOuterDisposeScope()
        {
            DisposeScope? outer = OwningScope?.Outer;
            OwningScope?.Forget(this);
            outer?.Attach(this);
            return this;
        }

        // ---- metadata ---------------------------------------------------------------------------

        public long Dimensions => Alive(Check(pg_tensor_dim(Handle)));
        public long dim() => Dimensions;

        public unsafe long[] shape
        {
            get
            {
                Span<long> buffer = stackalloc long[16];
                int n;
                fixed (long* p = buffer) n = Check(pg_tensor_sizes(Handle, p, buffer.Length));
                if (n <= buffer.Length) return Alive(buffer[..n].ToArray());
                long[] sizes = new long[n];
                fixed (long* p = sizes) Check(pg_tensor_sizes(Handle, p, n));
                return Alive(sizes);
            }
        }

        public long size(int dim)
        {
            long[] s = shape;
            int d = dim < 0 ? dim + s.Length : dim;
            if (d < 0 || d >= s.Length) throw new ArgumentOutOfRangeException(nameof(dim), dim, $"dimension out of range for a tensor with {s.Length} dimensions");
            return s[d];
        }

        public unsafe long[] stride()
        {
            Span<long> buffer = stackalloc long[16];
            int n;
            fixed (long* p = buffer) n = Check(pg_tensor_strides(Handle, p, buffer.Length));
            return Alive(buffer[..Math.Min(n, buffer.Length)].ToArray());
        }

        public long numel() => Alive(pg_tensor_numel(Handle)) is var n && n >= 0 ? n : Check((int)n);
        public long NumberOfElements => numel();

        public ScalarType dtype => (ScalarType)Alive(Check(pg_tensor_dtype(Handle)));

        public Device device
        {
            get
            {
                var type = (DeviceType)Check(pg_tensor_device_type(Handle));
                int index = Alive(pg_tensor_device_index(Handle));
                return type == DeviceType.CPU ? CPU : new Device(type, index);
            }
        }

        public DeviceType device_type => (DeviceType)Alive(Check(pg_tensor_device_type(Handle)));

        public bool is_contiguous(MemoryFormat memory_format = MemoryFormat.Contiguous) =>
            Alive(Check(pg_tensor_is_contiguous(Handle, (int)memory_format))) == 1;

        // ---- autograd ---------------------------------------------------------------------------

        public bool requires_grad
        {
            get => Alive(Check(pg_tensor_requires_grad(Handle))) == 1;
            set => Alive(Check(pg_tensor_set_requires_grad(Handle, value ? 1 : 0)));
        }

        public Tensor requires_grad_(bool requires_grad = true)
        {
            this.requires_grad = requires_grad;
            return this;
        }

        public void backward(Tensor? gradient = null, bool retain_graph = false)
        {
            Alive(Check(pg_tensor_backward(Handle, gradient?.Handle ?? IntPtr.Zero, retain_graph ? 1 : 0)));
            GC.KeepAlive(gradient);
        }

        /// <summary>The accumulated gradient, or null when none has been computed.</summary>
        public Tensor? grad
        {
            get
            {
                IntPtr g = Alive(pg_tensor_grad(Handle));
                if (g != IntPtr.Zero) return new Tensor(g);
                string error = Marshal.PtrToStringUTF8(pg_last_error()) ?? "";
                if (error.Length > 0) ThrowLastError();
                return null;
            }
        }

        /// <summary>Drops the accumulated gradient (PyTorch's set_to_none behaviour).</summary>
        public void zero_grad() => Alive(Check(pg_tensor_zero_grad(Handle)));

        public Tensor detach() => Result(pg_tensor_detach(Handle), this);
        public Tensor clone() => Result(pg_tensor_clone(Handle), this);

        /// <summary>A second handle to the same tensor (same storage, same autograd identity).</summary>
        public Tensor alias() => Result(pg_tensor_alias(Handle), this);

        // ---- copy-out ---------------------------------------------------------------------------

        /// <summary>Copies the elements (row-major, via CPU) into a new array of <typeparamref name="T"/>.</summary>
        public unsafe T[] data<T>() where T : unmanaged
        {
            ScalarType t = dtype;
            if (sizeof(T) != ElementSize(t) || !ElementTypeMatches<T>(t))
                throw new InvalidOperationException($"cannot read a {t} tensor as {typeof(T).Name}");
            var result = new T[numel()];
            fixed (T* p = result) Check(pg_tensor_copy_to(Handle, p, (long)result.Length * sizeof(T)));
            return Alive(result);
        }

        public unsafe double ToDouble()
        {
            double v;
            Check(pg_tensor_item_double(Handle, &v));
            return Alive(v);
        }

        public unsafe long ToInt64()
        {
            long v;
            Check(pg_tensor_item_long(Handle, &v));
            return Alive(v);
        }

        public float ToSingle() => (float)ToDouble();

        /// <summary>The single element's value as <typeparamref name="T"/>.</summary>
        public T item<T>() where T : unmanaged
        {
            if (typeof(T) == typeof(float)) return (T)(object)(float)ToDouble();
            if (typeof(T) == typeof(double)) return (T)(object)ToDouble();
            if (typeof(T) == typeof(long)) return (T)(object)ToInt64();
            if (typeof(T) == typeof(int)) return (T)(object)checked((int)ToInt64());
            if (typeof(T) == typeof(bool)) return (T)(object)(ToInt64() != 0);
            throw new NotSupportedException($"item<{typeof(T).Name}> is not supported");
        }

        internal static bool ElementTypeMatches<T>(ScalarType t) where T : unmanaged =>
            (typeof(T) == typeof(float) && t == ScalarType.Float32) ||
            (typeof(T) == typeof(double) && t == ScalarType.Float64) ||
            (typeof(T) == typeof(long) && t == ScalarType.Int64) ||
            (typeof(T) == typeof(int) && t == ScalarType.Int32) ||
            (typeof(T) == typeof(bool) && t == ScalarType.Bool) ||
            (typeof(T) == typeof(byte) && t == ScalarType.Byte) ||
            (typeof(T) == typeof(sbyte) && t == ScalarType.Int8) ||
            (typeof(T) == typeof(short) && t == ScalarType.Int16);

        internal static ScalarType ScalarTypeOf<T>() where T : unmanaged =>
            typeof(T) == typeof(float) ? ScalarType.Float32 :
            typeof(T) == typeof(double) ? ScalarType.Float64 :
            typeof(T) == typeof(long) ? ScalarType.Int64 :
            typeof(T) == typeof(int) ? ScalarType.Int32 :
            typeof(T) == typeof(bool) ? ScalarType.Bool :
            typeof(T) == typeof(byte) ? ScalarType.Byte :
            typeof(T) == typeof(sbyte) ? ScalarType.Int8 :
            typeof(T) == typeof(short) ? ScalarType.Int16 :
            throw new NotSupportedException($"no tensor element type for {typeof(T).Name}");

        public override string ToString()
        {
            if (IsInvalid) return "Tensor (disposed)";
            return $"Tensor [{string.Join(", ", shape)}], type = {dtype}, device = {device}";
        }
    }

    /// <summary>Creates a tensor holding a copy of <paramref name="data"/> with the given shape (default: 1-D).</summary>
    public static unsafe Tensor tensor<T>(ReadOnlySpan<T> data, long[]? dimensions = null, bool requires_grad = false) where T : unmanaged
    {
        long[] dims = dimensions ?? [data.Length];
        long count = 1;
        foreach (long d in dims)
        {
            if (d < 0) throw new ArgumentException($"negative dimension {d} in shape [{string.Join(", ", dims)}]", nameof(dimensions));
            count *= d;
        }
        if (count != data.Length)
            throw new ArgumentException($"shape [{string.Join(", ", dims)}] holds {count} elements but {data.Length} were given", nameof(dimensions));
        fixed (T* p = data)
        fixed (long* s = dims)
            return new Tensor(pg_tensor_from_data(p, (int)Tensor.ScalarTypeOf<T>(), s, dims.Length, requires_grad ? 1 : 0));
    }

    public static Tensor tensor<T>(T[] data, long[]? dimensions = null, bool requires_grad = false) where T : unmanaged =>
        tensor<T>((ReadOnlySpan<T>)data, dimensions, requires_grad);

    public static Tensor tensor(float value) => tensor<float>([value], []);
    public static Tensor tensor(double value) => tensor<double>([value], []);
    public static Tensor tensor(long value) => tensor<long>([value], []);
    public static Tensor tensor(bool value) => tensor<bool>([value], []);
}
