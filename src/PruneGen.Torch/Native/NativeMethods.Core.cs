using System.Runtime.InteropServices;

namespace PruneGen.Torch.Native;

/// <summary>P/Invoke declarations for the shim's core entry points (native/core.cpp).</summary>
internal static partial class NativeMethods
{
    internal const string Library = "prunegen_torch";

    [LibraryImport(Library)] internal static partial IntPtr pg_last_error();
    [LibraryImport(Library)] internal static partial void pg_clear_error();
    [LibraryImport(Library)] internal static partial void pg_tensor_free(IntPtr t);

    [LibraryImport(Library)] internal static partial int pg_tensor_dim(IntPtr t);
    [LibraryImport(Library)] internal static unsafe partial int pg_tensor_sizes(IntPtr t, long* sizes, int capacity);
    [LibraryImport(Library)] internal static unsafe partial int pg_tensor_strides(IntPtr t, long* strides, int capacity);
    [LibraryImport(Library)] internal static partial long pg_tensor_numel(IntPtr t);
    [LibraryImport(Library)] internal static partial int pg_tensor_dtype(IntPtr t);
    [LibraryImport(Library)] internal static partial int pg_tensor_device_type(IntPtr t);
    [LibraryImport(Library)] internal static partial int pg_tensor_device_index(IntPtr t);
    [LibraryImport(Library)] internal static partial int pg_tensor_is_contiguous(IntPtr t, int memoryFormat);

    [LibraryImport(Library)] internal static unsafe partial IntPtr pg_tensor_from_data(void* data, int dtype, long* sizes, int ndim, int requiresGrad);
    [LibraryImport(Library)] internal static unsafe partial int pg_tensor_copy_to(IntPtr t, void* destination, long capacityBytes);
    [LibraryImport(Library)] internal static unsafe partial int pg_tensor_item_double(IntPtr t, double* value);
    [LibraryImport(Library)] internal static unsafe partial int pg_tensor_item_long(IntPtr t, long* value);

    [LibraryImport(Library)] internal static partial int pg_tensor_requires_grad(IntPtr t);
    [LibraryImport(Library)] internal static partial int pg_tensor_set_requires_grad(IntPtr t, int value);
    [LibraryImport(Library)] internal static partial int pg_tensor_backward(IntPtr t, IntPtr gradient, int retainGraph);
    [LibraryImport(Library)] internal static partial IntPtr pg_tensor_grad(IntPtr t);
    [LibraryImport(Library)] internal static partial int pg_tensor_zero_grad(IntPtr t);
    [LibraryImport(Library)] internal static partial IntPtr pg_tensor_detach(IntPtr t);
    [LibraryImport(Library)] internal static partial IntPtr pg_tensor_clone(IntPtr t);
    [LibraryImport(Library)] internal static partial IntPtr pg_tensor_alias(IntPtr t);

    [LibraryImport(Library)] internal static partial int pg_grad_enabled();
    [LibraryImport(Library)] internal static partial void pg_set_grad_enabled(int enabled);
    [LibraryImport(Library)] internal static partial void pg_manual_seed(long seed);
    [LibraryImport(Library)] internal static partial int pg_set_num_threads(int n);
    [LibraryImport(Library)] internal static partial int pg_get_num_threads();
    [LibraryImport(Library)] internal static partial int pg_set_deterministic(int on);
    [LibraryImport(Library)] internal static partial int pg_set_flush_denormal(int on);
    [LibraryImport(Library)] internal static partial int pg_cuda_is_available();
    [LibraryImport(Library)] internal static partial int pg_cuda_device_count();
    [LibraryImport(Library)] internal static partial IntPtr pg_libtorch_version();

    /// <summary>Throws the shim's last error if <paramref name="handle"/> is null; returns it otherwise.</summary>
    internal static IntPtr Check(IntPtr handle)
    {
        if (handle == IntPtr.Zero) ThrowLastError();
        return handle;
    }

    /// <summary>Throws the shim's last error if <paramref name="status"/> is negative.</summary>
    internal static int Check(int status)
    {
        if (status < 0) ThrowLastError();
        return status;
    }

    internal static void ThrowLastError()
    {
        string message = Marshal.PtrToStringUTF8(pg_last_error()) ?? "";
        pg_clear_error();
        throw new TorchException(message.Length == 0 ? "libtorch reported an error without a message" : message.Trim());
    }
}
