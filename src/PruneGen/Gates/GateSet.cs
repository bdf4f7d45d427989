using PruneGen.Torch;
using static PruneGen.Torch.torch;

namespace PruneGen.Gates;

/// <summary>
/// The gates of a network, registered as its "gates" child so that every θ is a named parameter
/// ("gates.stage1", "gates.stage1_block1"). The network calls <see cref="BeginForward"/> once per
/// forward; the layers then apply the multipliers computed there.
/// </summary>
public sealed class GateSet : nn.Module
{
    private readonly UnitGate[] _units;
    private readonly BlockGate[] _blocks;

    /// <param name="units">One unit gate per prunable group, in Widths order: (parameter name, current width).</param>
    /// <param name="blocks">One block gate per removable block, in Widths order: parameter names.</param>
    public GateSet(IReadOnlyList<(string Name, int Size)> units, IReadOnlyList<string> blocks) : base(nameof(GateSet))
    {
        _units = units.Select(u => new UnitGate(u.Name, u.Size)).ToArray();
        _blocks = blocks.Select(b => new BlockGate(b)).ToArray();
        foreach (Gate gate in AllGates) register_parameter(gate.Name, gate.Theta);
    }

    public IReadOnlyList<UnitGate> Units => _units;
    public IReadOnlyList<BlockGate> Blocks => _blocks;
    public IEnumerable<Gate> AllGates => _units.Cast<Gate>().Concat(_blocks);

    /// <summary>How gates act in forward (default <see cref="GateMode.Off"/>).</summary>
    public GateMode Mode { get; set; } = GateMode.Off;

    /// <summary>
    /// In <see cref="GateMode.Sample"/> mode, a unit gate's θ at or above this draws ξ = 1 for every
    /// example instead of sampling (default 1: every θ below 1 is sampled). ξ stays a leaf that records
    /// gradients, so the θ step still reads ∂loss/∂ξ there (from the on side only). Block gates are always
    /// sampled: holding block θ on without sampling slowed block removal (ResNet-20, ν = 1.1, 6 epochs:
    /// two blocks gone after epoch 3 instead of four).
    /// </summary>
    public double UnitsCertainAbove
    {
        get => _certainAbove;
        set
        {
            if (!(value > 0.5 && value <= 1)) throw new ArgumentOutOfRangeException(nameof(value), value, "the units' certain-on threshold must lie in (0.5, 1]");
            _certainAbove = value;
        }
    }

    private double _certainAbove = 1.0;

    /// <summary>Every θ (unit and block gates), e.g. for a separate optimiser or projected update.</summary>
    public IEnumerable<nn.Parameter> Thetas => AllGates.Select(g => g.Theta);

    /// <summary>Draws or computes this forward's multipliers; <paramref name="input"/> gives the batch size.</summary>
    public void BeginForward(Tensor input)
    {
        if (Mode == GateMode.Off && !_anyActive) return;
        long batch = input.size(0);
        foreach (Gate gate in AllGates) gate.Begin(Mode, batch, gate is UnitGate ? _certainAbove : 1.0);
        _anyActive = Mode != GateMode.Off;
    }

    private bool _anyActive;

    /// <summary>A zero scalar on the gates' device and dtype, the start of a cost sum.</summary>
    public Tensor Zero()
    {
        Gate? first = AllGates.FirstOrDefault();
        return first is null ? torch.zeros(Array.Empty<long>()) : torch.zeros(Array.Empty<long>(), first.Theta.dtype, first.Theta.device);
    }

    /// <summary>Clips every θ to [0, 1] in place (after a gradient step).</summary>
    public void ClampThetas()
    {
        using (no_grad())
            foreach (Gate gate in AllGates) gate.Theta.clamp_(0.0, 1.0);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            foreach (Gate gate in AllGates) gate.Dispose();
        base.Dispose(disposing);
    }
}
