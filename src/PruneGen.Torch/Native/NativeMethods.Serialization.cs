using System.Runtime.InteropServices;

namespace PruneGen.Torch.Native;

/// <summary>P/Invoke declarations for raw tensor memory used by file formats (native/serialization.cpp).</summary>
internal static partial class NativeMethods
{
    [LibraryImport(Library)] internal static partial IntPtr pg_serialization_cpu_contiguous(IntPtr t);
    [LibraryImport(Library)] internal static partial IntPtr pg_serialization_data_ptr(IntPtr t);
    [LibraryImport(Library)] internal static unsafe partial IntPtr pg_serialization_empty(int dtype, long* sizes, int ndim);
}
