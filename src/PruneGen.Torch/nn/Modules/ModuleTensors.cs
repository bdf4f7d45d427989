using static PruneGen.Torch.torch;

namespace PruneGen.Torch.Modules;

/// <summary>Creation of the tensors that layers own (parameters and buffers), on the requested device and type.</summary>
internal static class ModuleTensors
{
    /// <summary>An uninitialised tensor; float32 on the CPU unless asked otherwise.</summary>
    internal static Tensor Empty(long[] shape, Device? device, ScalarType? dtype) => empty(shape, dtype ?? ScalarType.Float32, device);

    /// <summary>A new parameter of the given shape filled by <paramref name="initialise"/>.</summary>
    internal static nn.Parameter NewParameter(long[] shape, Device? device, ScalarType? dtype, Action<Tensor> initialise)
    {
        using Tensor data = Empty(shape, device, dtype);
        initialise(data);
        return new nn.Parameter(data); // shares data's storage; the temporary handle goes
    }

    internal static Tensor Filled(long[] shape, double value, Device? device, ScalarType? dtype) =>
        nn.init.constant_(Empty(shape, device, dtype), value);

    internal static void CheckPositive(long value, string name)
    {
        if (value < 1) throw new ArgumentOutOfRangeException(name, value, $"{name} must be positive");
    }
}
