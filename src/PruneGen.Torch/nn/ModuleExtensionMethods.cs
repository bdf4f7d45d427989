using static PruneGen.Torch.torch;

namespace PruneGen.Torch;

/// <summary>
/// Conversions of modules that return the module's own type (TorchSharp's ModuleExtensionMethods),
/// so <c>var net = new Net().to(channels_last);</c> keeps <c>net</c> typed.
/// </summary>
public static class ModuleExtensionMethods
{
    public static T to<T>(this T module, Device device) where T : nn.Module => (T)module._to(device.type, device.index);

    public static T to<T>(this T module, DeviceType deviceType, int deviceIndex = -1) where T : nn.Module =>
        (T)module._to(deviceType, deviceIndex);

    public static T to<T>(this T module, ScalarType type) where T : nn.Module => (T)module._to(type);

    public static T to<T>(this T module, Device device, ScalarType type) where T : nn.Module => (T)module._to(device, type);

    /// <summary>Lays out the module's 4-D tensors (conv weights) in <paramref name="memoryFormat"/>, e.g. channels_last.</summary>
    public static T to<T>(this T module, MemoryFormat memoryFormat) where T : nn.Module => (T)module._to(memoryFormat);

    public static T cpu<T>(this T module) where T : nn.Module => (T)module._to(DeviceType.CPU);

    public static T cuda<T>(this T module, int deviceIndex = -1) where T : nn.Module => (T)module._to(DeviceType.CUDA, deviceIndex);
}
