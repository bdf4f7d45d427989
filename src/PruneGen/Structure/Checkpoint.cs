using static PruneGen.Torch.torch;

namespace PruneGen.Structure;

/// <summary>
/// A network checkpoint: the state dict as a safetensors file (readable by Python tooling) and, next to
/// it, the widths sidecar that lets a pruned network be rebuilt at its size before loading.
/// </summary>
public static class Checkpoint
{
    public static void Save(nn.Module module, string path, WidthsSidecar sidecar)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(sidecar);
        module.save(path, metadata: new Dictionary<string, string> { ["network"] = sidecar.Network });
        sidecar.Save(WidthsSidecar.PathFor(path));
    }

    /// <summary>Loads the weights saved by <see cref="Save"/> into a network built at the sidecar's widths (strict: every key must match).</summary>
    public static void LoadWeights(nn.Module module, string path)
    {
        ArgumentNullException.ThrowIfNull(module);
        module.load(path, strict: true);
    }
}
