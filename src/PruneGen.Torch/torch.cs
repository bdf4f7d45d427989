using System.Runtime.InteropServices;
using static PruneGen.Torch.Native.NativeMethods;

namespace PruneGen.Torch;

/// <summary>
/// Entry point of the binding, shaped like TorchSharp's <c>TorchSharp.torch</c>: code written against
/// it ports to TorchSharp by changing the using directive.
/// </summary>
public static partial class torch
{
    /// <summary>Seeds libtorch's default generator (CPU and, when present, CUDA).</summary>
    public static void manual_seed(long seed) => pg_manual_seed(seed);

    public static void set_num_threads(int threads)
    {
        if (threads < 1) throw new ArgumentOutOfRangeException(nameof(threads), threads, "thread count must be at least 1");
        Check(pg_set_num_threads(threads));
    }

    public static int get_num_threads() => pg_get_num_threads();

    /// <summary>Makes libtorch pick deterministic kernels (errors where none exists).</summary>
    public static void use_deterministic_algorithms(bool mode = true) => Check(pg_set_deterministic(mode ? 1 : 0));

    /// <summary>
    /// Flushes denormal floats to zero on the calling thread (and the threads libtorch starts from it)
    /// when the CPU supports it (x86 with SSE3); returns whether it does. As in PyTorch.
    /// </summary>
    public static bool set_flush_denormal(bool mode) => Check(pg_set_flush_denormal(mode ? 1 : 0)) == 1;

    /// <summary>The libtorch version the shim was compiled against, e.g. "1.13.1".</summary>
    public static string __version__ => Marshal.PtrToStringUTF8(pg_libtorch_version()) ?? "unknown";

    public static bool is_grad_enabled() => pg_grad_enabled() == 1;

    /// <summary>Disables gradient recording until disposed (use with <c>using</c>).</summary>
    public static GradModeScope no_grad() => new(false);

    /// <summary>Enables gradient recording until disposed.</summary>
    public static GradModeScope enable_grad() => new(true);

    public sealed class GradModeScope : IDisposable
    {
        private readonly bool _previous;
        private bool _disposed;

        internal GradModeScope(bool enabled)
        {
            _previous = pg_grad_enabled() == 1;
            pg_set_grad_enabled(enabled ? 1 : 0);
        }

        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            pg_set_grad_enabled(_previous ? 1 : 0);
        }
    }

    public static partial class cuda
    {
        public static bool is_available() => pg_cuda_is_available() == 1;
        public static int device_count() => pg_cuda_device_count();
    }

    /// <summary>The thread count to use when none is given: every core of the machine.</summary>
    public static int DefaultThreadCount => Environment.ProcessorCount;
}
