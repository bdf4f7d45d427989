namespace PruneGen.Torch;

/// <summary>Device kinds; values equal c10::DeviceType.</summary>
public enum DeviceType
{
    CPU = 0,
    CUDA = 1,
}

public static partial class torch
{
    /// <summary>A device (kind and index), as in TorchSharp: <c>torch.device("cuda:0")</c>, <c>torch.CPU</c>.</summary>
    public sealed record Device(DeviceType type, int index = -1)
    {
        public override string ToString() => type switch
        {
            DeviceType.CPU => "cpu",
            _ => index < 0 ? type.ToString().ToLowerInvariant() : $"{type.ToString().ToLowerInvariant()}:{index}",
        };
    }

    public static readonly Device CPU = new(DeviceType.CPU);
    public static readonly Device CUDA = new(DeviceType.CUDA);

    /// <summary>Parses "cpu", "cuda" or "cuda:N".</summary>
    public static Device device(string description)
    {
        ArgumentNullException.ThrowIfNull(description);
        string text = description.Trim().ToLowerInvariant();
        if (text == "cpu") return CPU;
        if (text == "cuda") return CUDA;
        if (text.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(text.AsSpan(5), out int index) && index >= 0)
            return new Device(DeviceType.CUDA, index);
        throw new ArgumentException($"unknown device '{description}': expected 'cpu', 'cuda' or 'cuda:N'", nameof(description));
    }

    public static Device device(DeviceType type, int index = -1) => new(type, index);
}
