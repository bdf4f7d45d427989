using PruneGen.Gates;
using PruneGen.Layers;
using static PruneGen.Torch.torch;

namespace PruneGen.Structure;

/// <summary>
/// What every generated network offers to pruning methods, independent of its concrete type: the
/// structure, the current widths as arrays indexed like the structure, the gates, the costs, slimming.
/// </summary>
public interface IPrunableNetwork
{
    /// <summary>The structure of the full network (shared by every instance of the type).</summary>
    NetworkStructure Structure { get; }

    /// <summary>The current width of every group, indexed like <see cref="NetworkStructure.Groups"/>.</summary>
    int[] GroupWidths { get; }

    /// <summary>Whether each block is present, indexed like <see cref="NetworkStructure.Blocks"/>.</summary>
    bool[] BlocksKept { get; }

    GateSet Gates { get; }

    /// <summary>The conv/linear layers aligned with <see cref="NetworkStructure.Layers"/> (null in removed blocks).</summary>
    IReadOnlyList<ISlimmableLayer?> ComputeLayers { get; }

    long Macs();
    long Params();
    Tensor ExpectedMacs();
    Tensor ExpectedParams();
    double PredictLatency(ILatencyTable table);

    /// <summary>Masks that keep everything, sized to the current widths.</summary>
    PruneMasks NewMasks();

    /// <summary>A physically smaller network with the kept units and blocks.</summary>
    IPrunableNetwork Slim(PruneMasks masks);

    /// <summary>Runs one top-level member (see <see cref="NetworkStructure.Members"/>).</summary>
    Tensor ForwardMember(int member, Tensor x);

    string Summary();
}
