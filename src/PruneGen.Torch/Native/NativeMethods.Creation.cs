using System.Runtime.InteropServices;

namespace PruneGen.Torch.Native;

/// <summary>P/Invoke declarations for native/creation.cpp. Options: dtype (-1 = default), device type (-1 = CPU), device index, requires_grad.</summary>
internal static partial class NativeMethods
{
    [LibraryImport(Library)] internal static unsafe partial IntPtr pg_zeros(long* sizes, int ndim, int dtype, int deviceType, int deviceIndex, int requiresGrad);
    [LibraryImport(Library)] internal static unsafe partial IntPtr pg_ones(long* sizes, int ndim, int dtype, int deviceType, int deviceIndex, int requiresGrad);
    [LibraryImport(Library)] internal static unsafe partial IntPtr pg_empty(long* sizes, int ndim, int dtype, int deviceType, int deviceIndex, int requiresGrad);
    [LibraryImport(Library)] internal static unsafe partial IntPtr pg_full(long* sizes, int ndim, double valueD, long valueL, int valueK, int dtype, int deviceType, int deviceIndex, int requiresGrad);
    [LibraryImport(Library)]
    internal static partial IntPtr pg_arange(double startD, long startL, int startK, double endD, long endL, int endK, double stepD, long stepL, int stepK,
        int dtype, int deviceType, int deviceIndex, int requiresGrad);
    [LibraryImport(Library)] internal static partial IntPtr pg_linspace(double start, double end, long steps, int dtype, int deviceType, int deviceIndex, int requiresGrad);
    [LibraryImport(Library)] internal static partial IntPtr pg_eye(long n, long m, int dtype, int deviceType, int deviceIndex, int requiresGrad);

    [LibraryImport(Library)] internal static unsafe partial IntPtr pg_rand(long* sizes, int ndim, int dtype, int deviceType, int deviceIndex, int requiresGrad);
    [LibraryImport(Library)] internal static unsafe partial IntPtr pg_randn(long* sizes, int ndim, int dtype, int deviceType, int deviceIndex, int requiresGrad);
    [LibraryImport(Library)] internal static unsafe partial IntPtr pg_randint(long low, long high, long* sizes, int ndim, int dtype, int deviceType, int deviceIndex, int requiresGrad);
    [LibraryImport(Library)] internal static partial IntPtr pg_randperm(long n, int dtype, int deviceType, int deviceIndex, int requiresGrad);
    [LibraryImport(Library)] internal static partial IntPtr pg_bernoulli(IntPtr probabilities);
    [LibraryImport(Library)] internal static partial int pg_bernoulli_(IntPtr t, double p);
    [LibraryImport(Library)] internal static partial int pg_bernoulli_tensor_(IntPtr t, IntPtr p);
    [LibraryImport(Library)] internal static partial int pg_uniform_(IntPtr t, double from, double to);
    [LibraryImport(Library)] internal static partial int pg_normal_(IntPtr t, double mean, double std);
    [LibraryImport(Library)] internal static partial int pg_random_(IntPtr t, long from, long to);

    [LibraryImport(Library)] internal static partial IntPtr pg_zeros_like(IntPtr t, int dtype, int deviceType, int deviceIndex, int requiresGrad);
    [LibraryImport(Library)] internal static partial IntPtr pg_ones_like(IntPtr t, int dtype, int deviceType, int deviceIndex, int requiresGrad);
    [LibraryImport(Library)] internal static partial IntPtr pg_empty_like(IntPtr t, int dtype, int deviceType, int deviceIndex, int requiresGrad);
    [LibraryImport(Library)] internal static partial IntPtr pg_full_like(IntPtr t, double valueD, long valueL, int valueK, int dtype, int deviceType, int deviceIndex, int requiresGrad);
    [LibraryImport(Library)] internal static partial IntPtr pg_rand_like(IntPtr t, int dtype, int deviceType, int deviceIndex, int requiresGrad);
    [LibraryImport(Library)] internal static partial IntPtr pg_randn_like(IntPtr t, int dtype, int deviceType, int deviceIndex, int requiresGrad);
    [LibraryImport(Library)] internal static partial IntPtr pg_randint_like(IntPtr t, long low, long high, int dtype, int deviceType, int deviceIndex, int requiresGrad);
}
