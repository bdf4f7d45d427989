using static PruneGen.Torch.torch;

namespace PruneGen.Torch.Serialization;

/// <summary>What <see cref="Safetensors.Load"/> read: tensors in header order, and the metadata.</summary>
public sealed class SafetensorsContent : IDisposable
{
    internal SafetensorsContent(OrderedDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        Tensors = tensors;
        Metadata = metadata;
    }

    /// <summary>The tensors by name, in the order the header lists them.</summary>
    public OrderedDictionary<string, Tensor> Tensors { get; }

    /// <summary>The header's "__metadata__" (empty when the file has none).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Disposes every tensor still held in <see cref="Tensors"/> (remove the ones you keep first).</summary>
    public void Dispose()
    {
        foreach (Tensor t in Tensors.Values) t.Dispose();
        Tensors.Clear();
    }
}
