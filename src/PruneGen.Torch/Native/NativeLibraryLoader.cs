using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace PruneGen.Torch.Native;

/// <summary>
/// Loads libprunegen_torch.so from beside this assembly, with an error that says how to get it when
/// it is missing, and applies PruneGen's default thread count once the library is loaded.
/// </summary>
internal static class NativeLibraryLoader
{
    private static int s_registered;
    private static int s_threadsApplied;

    // A library-level initializer is deliberate: the resolver must exist before the first P/Invoke.
#pragma warning disable CA2255
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void EnsureRegistered()
    {
        if (Interlocked.Exchange(ref s_registered, 1) == 1) return;
        NativeLibrary.SetDllImportResolver(typeof(NativeLibraryLoader).Assembly, Resolve);
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (name != NativeMethods.Library) return IntPtr.Zero;
        string directory = AppContext.BaseDirectory;
        string path = Path.Combine(directory, "lib" + NativeMethods.Library + ".so");
        if (!File.Exists(path))
        {
            string beside = Path.Combine(Path.GetDirectoryName(assembly.Location) ?? directory, "lib" + NativeMethods.Library + ".so");
            path = File.Exists(beside) ? beside : path;
        }
        IntPtr handle;
        try
        {
            handle = NativeLibrary.Load(path);
        }
        catch (DllNotFoundException e)
        {
            throw new DllNotFoundException(
                $"PruneGen's libtorch shim could not be loaded from '{path}': {e.Message}. " +
                "Build the solution (the PruneGen.Torch build compiles it; run ./dev.sh setup first on a new machine), " +
                "and make sure libtorch is installed (Debian: libtorch-dev) or PRUNEGEN_LIBTORCH points at a libtorch directory.", e);
        }
        // The runtime calls the resolver again for every P/Invoke it binds; apply the default once only,
        // or each newly bound entry point would undo the user's set_num_threads.
        if (Interlocked.Exchange(ref s_threadsApplied, 1) == 0) ApplyDefaultThreadCount(handle);
        return handle;
    }

    // libtorch starts with one thread on some machines; PruneGen's default is every core.
    private static unsafe void ApplyDefaultThreadCount(IntPtr library)
    {
        var setThreads = (delegate* unmanaged<int, int>)NativeLibrary.GetExport(library, "pg_set_num_threads");
        setThreads(Environment.ProcessorCount);
    }
}
