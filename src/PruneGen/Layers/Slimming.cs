using PruneGen.Structure;
using PruneGen.Torch;
using static PruneGen.Torch.torch;

namespace PruneGen.Layers;

/// <summary>
/// Copies the kept part of a network into a physically smaller instance built at the kept widths:
/// every conv/linear weight along its input and output groups, BN statistics and θ along the output
/// group. Because a group's index set is shared by all its producers and consumers (streams included),
/// the slim network computes exactly what the masked network computes.
/// </summary>
public static class Slimming
{
    /// <summary>Throws unless <paramref name="masks"/> were made for <paramref name="network"/>'s structure and current widths.</summary>
    public static void CheckMasks(IPrunableNetwork network, PruneMasks masks)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(masks);
        if (!ReferenceEquals(masks.Structure, network.Structure))
            throw new ArgumentException($"the masks were made for {masks.Structure.Name}, not {network.Structure.Name}", nameof(masks));
        int[] widths = network.GroupWidths;
        for (int g = 0; g < widths.Length; g++)
            if (masks.GroupWidths[g] != widths[g])
                throw new ArgumentException($"the masks were made for a network whose group '{network.Structure.Groups[g].Name}' has {masks.GroupWidths[g]} units, but this one has {widths[g]}; call NewMasks() on the network you slim", nameof(masks));
        bool[] kept = network.BlocksKept;
        for (int b = 0; b < kept.Length; b++)
            if (!kept[b] && masks.BlockKept(b))
                throw new ArgumentException($"block '{network.Structure.Blocks[b].Name}' is already removed and cannot come back", nameof(masks));
    }

    /// <summary>Copies the kept weights of <paramref name="source"/> into <paramref name="target"/>, built at <paramref name="masks"/>' kept widths.</summary>
    public static void CopyKept(IPrunableNetwork source, IPrunableNetwork target, PruneMasks masks)
    {
        CheckMasks(source, masks);
        NetworkStructure structure = source.Structure;
        Device device = FirstParameterDevice(source);
        if (device.type != DeviceType.CPU && target is nn.Module targetModule) targetModule.to(device);

        var indices = new Tensor?[structure.Groups.Count];
        try
        {
            for (int g = 0; g < indices.Length; g++)
                if (masks.KeptIndices(g) is { } kept)
                    indices[g] = torch.tensor(kept).to(device).DetachFromDisposeScope();

            IReadOnlyList<ISlimmableLayer?> from = source.ComputeLayers, to = target.ComputeLayers;
            foreach (LayerInfo layer in structure.Layers)
            {
                if (to[layer.Index] is not { } destination) continue; // removed now (or before)
                ISlimmableLayer origin = from[layer.Index]
                    ?? throw new InvalidOperationException($"layer '{layer.Name}' exists in the slim network but not in the source");
                destination.CopyKeptFrom(origin, indices[layer.InputGroup], indices[layer.OutputGroup]);
            }
            for (int i = 0; i < structure.PrunableGroups.Count; i++)
                target.Gates.Units[i].CopyKeptFrom(source.Gates.Units[i], indices[structure.PrunableGroups[i].Index]);
            for (int i = 0; i < structure.RemovableBlocks.Count; i++)
                target.Gates.Blocks[i].CopyKeptFrom(source.Gates.Blocks[i], null);
        }
        finally
        {
            foreach (Tensor? index in indices) index?.Dispose();
        }
        target.Gates.Mode = source.Gates.Mode;
        if (source is nn.Module s && target is nn.Module t) t.train(s.training);
    }

    private static Device FirstParameterDevice(IPrunableNetwork network) =>
        network is nn.Module module && module.parameters().FirstOrDefault() is { } p ? p.device : CPU;
}
