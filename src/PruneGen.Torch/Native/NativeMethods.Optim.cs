using System.Runtime.InteropServices;

namespace PruneGen.Torch.Native;

/// <summary>P/Invoke declarations for the native optimizers (native/optim.cpp).</summary>
internal static partial class NativeMethods
{
    /// <summary>Optimizer kinds as native/optim.cpp numbers them.</summary>
    internal enum OptimizerKind
    {
        Sgd = 0,
        Adam = 1,
        AdamW = 2,
    }

    /// <summary>Hyperparameters of one parameter group; layout equals GroupOptions in native/optim.cpp.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct OptimizerGroupOptions
    {
        public double lr;
        public double momentum;
        public double dampening;
        public double weight_decay;
        public double beta1;
        public double beta2;
        public double eps;
        public int nesterov;
        public int maximize;
        public int amsgrad;
        public int reserved;
    }

    [LibraryImport(Library)] internal static partial IntPtr pg_optim_new(int kind);
    [LibraryImport(Library)] internal static partial void pg_optim_free(IntPtr optimizer);
    [LibraryImport(Library)] internal static unsafe partial int pg_optim_set_params(IntPtr optimizer, IntPtr* parameters, int* groups, int count);
    [LibraryImport(Library)] internal static unsafe partial int pg_optim_step(IntPtr optimizer, OptimizerGroupOptions* groups, int groupCount);
    [LibraryImport(Library)] internal static partial int pg_optim_zero_grad(IntPtr optimizer, int setToNone);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)] internal static partial IntPtr pg_optim_state_get(IntPtr optimizer, IntPtr parameter, string key);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)] internal static partial int pg_optim_state_set(IntPtr optimizer, IntPtr parameter, string key, IntPtr value);
    [LibraryImport(Library)] internal static partial int pg_optim_state_clear(IntPtr optimizer, IntPtr parameter);
}
