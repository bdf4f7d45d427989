using System.Globalization;
using System.Text;
using PruneGen.Structure;
using static PruneGen.Torch.torch;

namespace PruneGen.Training;

/// <summary>
/// A network as the trainer sees it: the module, and what reports need about its size. A method that
/// slims the network replaces the whole object (<see cref="TrainingContext.ReplaceNetwork"/>).
/// </summary>
public sealed class TrainableNetwork : IDisposable
{
    /// <param name="name">The network's name (e.g. "ResNet20").</param>
    /// <param name="module">The module; this object owns and disposes it.</param>
    /// <param name="widths">Widths of every prunable group and flags of removable blocks; empty for a network without a search space.</param>
    /// <param name="macs">MACs per image (-1 when unknown).</param>
    /// <param name="parameters">Parameter count as the cost model counts it; null counts every element of every parameter.</param>
    public TrainableNetwork(string name, nn.Module<Tensor, Tensor> module, WidthsSidecar? widths = null, long macs = -1, long? parameters = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(module);
        Name = name;
        Module = module;
        Widths = widths ?? new WidthsSidecar(name, new Dictionary<string, int>(), new Dictionary<string, bool>());
        Macs = macs;
        Params = parameters ?? module.parameters().Sum(p => p.numel());
        Prunable = module as IPrunableNetwork;
    }

    /// <summary>
    /// Wraps a generated network; <paramref name="widths"/> is its <c>CurrentWidths.ToSidecar()</c>
    /// (the sidecar type is generated per network, so it is passed in).
    /// </summary>
    public static TrainableNetwork FromPrunable<TNetwork>(TNetwork network, WidthsSidecar widths)
        where TNetwork : nn.Module<Tensor, Tensor>, IPrunableNetwork =>
        new(network.Structure.Name, network, widths, network.Macs(), network.Params());

    /// <summary>Wraps a generated network known only as <see cref="IPrunableNetwork"/> (e.g. the result of <c>Slim</c>).</summary>
    public static TrainableNetwork FromPrunable(IPrunableNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        if (network is not nn.Module<Tensor, Tensor> module)
            throw new ArgumentException($"{network.GetType().Name} is not an nn.Module<Tensor, Tensor>", nameof(network));
        return new(network.Structure.Name, module, WidthsSidecar.Of(network), network.Macs(), network.Params());
    }

    public string Name { get; }
    public nn.Module<Tensor, Tensor> Module { get; }
    public WidthsSidecar Widths { get; }
    public long Macs { get; }
    public long Params { get; }

    /// <summary>The module as a generated prunable network, when it is one.</summary>
    public IPrunableNetwork? Prunable { get; }

    /// <summary>Removable blocks that have been removed, in declaration order.</summary>
    public IReadOnlyList<string> RemovedBlocks => Widths.Blocks.Where(b => !b.Value).Select(b => b.Key).ToArray();

    /// <summary>The per-layer table of a generated network, or a parameter listing for a plain module.</summary>
    public string Summary()
    {
        if (Prunable is not null) return Prunable.Summary();
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{Name}: {Params:N0} parameters{(Macs >= 0 ? $", {Macs:N0} MACs" : "")}\n");
        foreach ((string name, nn.Parameter p) in Module.named_parameters())
            text.Append(CultureInfo.InvariantCulture, $"  {name,-40} [{string.Join(", ", p.shape)}]\n");
        return text.ToString();
    }

    public void Dispose() => Module.Dispose();
}

/// <summary>Builds a network: at full size for <c>null</c>, or at the widths of a checkpoint being resumed.</summary>
public delegate TrainableNetwork NetworkFactory(WidthsSidecar? widths);
