using System.Runtime.InteropServices;

namespace PruneGen.Torch.Native;

/// <summary>P/Invoke declarations for native/gates.cpp (PruneGen's fused per-example gate multiply).</summary>
internal static partial class NativeMethods
{
    [LibraryImport(Library)] internal static partial IntPtr pg_gate_multiply(IntPtr input, IntPtr gates, int relu);
}
