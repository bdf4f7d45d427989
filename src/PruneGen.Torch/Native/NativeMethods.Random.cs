using System.Runtime.InteropServices;

namespace PruneGen.Torch.Native;

/// <summary>P/Invoke declarations for the default generator's state (native/random.cpp).</summary>
internal static partial class NativeMethods
{
    [LibraryImport(Library)] internal static partial IntPtr pg_random_get_rng_state();
    [LibraryImport(Library)] internal static partial int pg_random_set_rng_state(IntPtr state);
    [LibraryImport(Library)] internal static unsafe partial int pg_random_initial_seed(ulong* seed);
}
