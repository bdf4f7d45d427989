using System.Runtime.InteropServices;

namespace PruneGen.Torch.Native;

/// <summary>P/Invoke declarations for native/nn_functional.cpp (nn.functional and the Module system).</summary>
internal static partial class NativeMethods
{
    [LibraryImport(Library)]
    internal static unsafe partial IntPtr pg_nn_conv2d(IntPtr input, IntPtr weight, IntPtr bias,
        long* stride, int strideLength, long* padding, int paddingLength, long* dilation, int dilationLength, long groups);
    [LibraryImport(Library)] internal static partial IntPtr pg_nn_linear(IntPtr input, IntPtr weight, IntPtr bias);
    [LibraryImport(Library)]
    internal static partial IntPtr pg_nn_batch_norm(IntPtr input, IntPtr runningMean, IntPtr runningVar,
        IntPtr weight, IntPtr bias, int training, double momentum, double eps);

    [LibraryImport(Library)] internal static partial IntPtr pg_nn_relu(IntPtr input);
    [LibraryImport(Library)] internal static partial int pg_nn_relu_(IntPtr input);
    [LibraryImport(Library)] internal static partial IntPtr pg_nn_sigmoid(IntPtr input);
    [LibraryImport(Library)] internal static partial int pg_nn_sigmoid_(IntPtr input);
    [LibraryImport(Library)] internal static partial IntPtr pg_nn_softmax(IntPtr input, long dim, int dtype);
    [LibraryImport(Library)] internal static partial IntPtr pg_nn_log_softmax(IntPtr input, long dim, int dtype);
    [LibraryImport(Library)] internal static partial IntPtr pg_nn_dropout(IntPtr input, double p, int training);
    [LibraryImport(Library)] internal static partial int pg_nn_dropout_(IntPtr input, double p, int training);

    [LibraryImport(Library)]
    internal static unsafe partial IntPtr pg_nn_max_pool2d(IntPtr input, long* kernel, int kernelLength,
        long* stride, int strideLength, long* padding, int paddingLength, long* dilation, int dilationLength, int ceilMode);
    [LibraryImport(Library)]
    internal static unsafe partial IntPtr pg_nn_avg_pool2d(IntPtr input, long* kernel, int kernelLength,
        long* stride, int strideLength, long* padding, int paddingLength, int ceilMode, int countIncludePad, long divisorOverride);
    [LibraryImport(Library)]
    internal static unsafe partial IntPtr pg_nn_adaptive_avg_pool2d(IntPtr input, long* outputSize, int outputLength);

    [LibraryImport(Library)]
    internal static partial IntPtr pg_nn_cross_entropy(IntPtr input, IntPtr target, IntPtr weight, long reduction, long ignoreIndex, double labelSmoothing);
    [LibraryImport(Library)]
    internal static partial IntPtr pg_nn_nll_loss(IntPtr input, IntPtr target, IntPtr weight, long reduction, long ignoreIndex);
    [LibraryImport(Library)] internal static partial IntPtr pg_nn_mse_loss(IntPtr input, IntPtr target, long reduction);

    [LibraryImport(Library)]
    internal static partial int pg_nn_convert_in_place(IntPtr t, int dtype, int deviceType, int deviceIndex, int memoryFormat);
}
