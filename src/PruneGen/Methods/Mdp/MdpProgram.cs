using System.Globalization;
using PruneGen.Solvers;
using PruneGen.Structure;

namespace PruneGen.Methods.Mdp;

/// <summary>
/// MDP's integer program over a <see cref="PruningSpace"/> (METHODS.md §2), linearised exactly:
/// one-hot <c>y_g</c> over the widths group g may keep, <c>z_b</c> per removable block;
/// maximise <c>Σ_g z_b(g) · y_gᵀ Î_g</c> subject to <c>Σ_l z_b(l) · y_in(l)ᵀ C_l y_out(l) ≤ Ψ</c>.
/// </summary>
/// <remarks>
/// <para>Importance is carried by groups, because a coupled group's channels are kept or removed
/// together and its score is one number per channel: a group counts only while the block that owns
/// it is kept (<see cref="PruningSpace.OwnerBlock"/>; residual streams outlive any one block and
/// always count). This is the per-layer sum of the paper with a coupled group's layers sharing one
/// term (project's choice).</para>
/// <para>Products of binaries in the latency constraint become <c>p ≥ Σ factors − (k−1)</c>,
/// <c>0 ≤ p ≤ 1</c> (the constraint pushes p down, so p equals the product at any optimum); in the
/// objective <c>q ≤ each factor</c> (maximisation pushes q up). All coefficients are non-negative,
/// which is what makes these one-sided forms exact.</para>
/// </remarks>
public sealed class MdpProgram
{
    private readonly Variable[]?[] _y;
    private readonly Variable?[] _z;

    private MdpProgram(PruningSpace space, bool removeBlocks, string name)
    {
        Space = space;
        Model = new MilpModel(name);
        NetworkStructure structure = space.Structure;
        _y = new Variable[]?[structure.Groups.Count];
        _z = new Variable?[structure.Blocks.Count];

        foreach (GroupInfo group in structure.PrunableGroups)
        {
            if (space.Options(group.Index) is not { } widths) continue;
            Variable[] y = widths.Select(w => Model.AddBinary(string.Create(CultureInfo.InvariantCulture, $"y {group.Name} = {w}"))).ToArray();
            _y[group.Index] = y;
            var oneHot = new LinearExpression();
            foreach (Variable v in y) oneHot.Add(v, 1);
            Model.AddConstraint($"one width for {group.Name}", oneHot, ConstraintSense.Equal, 1);
        }
        if (removeBlocks)
            for (int b = 0; b < structure.Blocks.Count; b++)
                if (space.CanRemove(b)) _z[b] = Model.AddBinary($"z {structure.Blocks[b].Name} kept");
    }

    /// <summary>Relative margin kept below the budget.</summary>
    public const double BudgetMargin = 1e-6;

    public PruningSpace Space { get; }
    public MilpModel Model { get; }

    /// <summary>The latency expression's constant part: layers whose cost no decision changes, in ms.</summary>
    public double FixedLatency { get; private set; }

    /// <summary>Σ_l z_b(l) · y_inᵀ C_l y_out, without <see cref="FixedLatency"/>.</summary>
    public LinearExpression Latency { get; private set; } = new();

    /// <summary>Scale applied to importance in the objective (the objective divided by it is the importance kept).</summary>
    public double ObjectiveScale { get; private set; } = 1;

    /// <summary>The MDP program: maximise kept importance under a latency budget in ms.</summary>
    public static MdpProgram MaximiseImportance(PruningSpace space, ImportanceScores scores, ILatencyTable table, double budgetMs, bool removeBlocks)
    {
        ArgumentNullException.ThrowIfNull(scores);
        if (!double.IsFinite(budgetMs) || budgetMs <= 0)
            throw new ArgumentOutOfRangeException(nameof(budgetMs), budgetMs, "the latency budget must be a positive number of milliseconds");
        var program = new MdpProgram(space ?? throw new ArgumentNullException(nameof(space)), removeBlocks, "mdp");
        program.BuildLatency(table);
        program.BuildImportanceObjective(scores);
        // A margin of 1e-6·Ψ absorbs CBC's integrality tolerance (1e-6), so the decoded structure's LUT
        // latency is at most Ψ exactly, not merely within tolerance.
        program.Model.AddConstraint("latency budget", program.Latency, ConstraintSense.LessOrEqual, budgetMs * (1 - BudgetMargin) - program.FixedLatency);
        return program;
    }

    /// <summary>The smallest LUT latency the space can reach (used to explain an infeasible budget).</summary>
    public static MdpProgram MinimiseLatency(PruningSpace space, ILatencyTable table, bool removeBlocks)
    {
        var program = new MdpProgram(space ?? throw new ArgumentNullException(nameof(space)), removeBlocks, "mdp-min-latency");
        program.BuildLatency(table);
        program.Model.SetObjective(ObjectiveSense.Minimize, program.Latency, program.FixedLatency);
        return program;
    }

    /// <summary>The widths (every group) and block flags a solution selects.</summary>
    /// <remarks>Groups that vanish with a removed block report their current width: they no longer exist, and nothing downstream reads them.</remarks>
    public (int[] GroupWidths, bool[] BlocksKept) Decode(MilpSolution solution)
    {
        ArgumentNullException.ThrowIfNull(solution);
        if (!solution.HasSolution) throw new ArgumentException($"the solve ended '{solution.StatusText}' without a solution", nameof(solution));
        bool[] blocks = Space.CurrentBlocks.ToArray();
        for (int b = 0; b < blocks.Length; b++)
            if (_z[b] is { } z) blocks[b] = solution.IsSet(z);
        int[] widths = Space.CurrentWidths.ToArray();
        for (int g = 0; g < widths.Length; g++)
        {
            if (_y[g] is not { } y) continue;
            int owner = Space.OwnerBlock(g);
            if (owner >= 0 && !blocks[owner]) continue;
            int chosen = Array.FindIndex(y, solution.IsSet);
            if (chosen < 0) throw new MilpSolverException($"the solution selects no width for group '{Space.Structure.Groups[g].Name}'");
            widths[g] = Space.Options(g)![chosen];
        }
        return (widths, blocks);
    }

    /// <summary>The program's objective for a structure: Σ over live groups of the importance of their kept channels.</summary>
    public static double KeptImportance(PruningSpace space, ImportanceScores scores, IReadOnlyList<int> groupWidths, IReadOnlyList<bool> blocksKept)
    {
        ArgumentNullException.ThrowIfNull(space);
        ArgumentNullException.ThrowIfNull(scores);
        double total = 0;
        foreach (GroupInfo group in space.Structure.PrunableGroups)
        {
            if (space.Options(group.Index) is null) continue;
            int owner = space.OwnerBlock(group.Index);
            if (owner >= 0 && !blocksKept[owner]) continue;
            total += scores[group.Index].Kept(groupWidths[group.Index]);
        }
        return total;
    }

    private void BuildImportanceObjective(ImportanceScores scores)
    {
        NetworkStructure structure = Space.Structure;
        double full = KeptImportance(Space, scores, Space.CurrentWidths, Space.CurrentBlocks);
        // Importance sums are tiny (Taylor terms of a trained net); scaling the objective to ~1000 keeps
        // CBC's absolute tolerances far below the differences between structures. The argmax is unchanged.
        ObjectiveScale = full > 0 ? 1000 / full : 1;
        var objective = new LinearExpression();
        for (int g = 0; g < _y.Length; g++)
        {
            if (_y[g] is not { } y) continue;
            GroupImportance importance = scores[g];
            if (importance.Width != Space.CurrentWidths[g])
                throw new ArgumentException($"importance of group '{structure.Groups[g].Name}' covers {importance.Width} channels but the group has {Space.CurrentWidths[g]}", nameof(scores));
            int owner = Space.OwnerBlock(g);
            Variable? z = owner >= 0 ? _z[owner] : null;
            IReadOnlyList<int> widths = Space.Options(g)!;
            for (int k = 0; k < y.Length; k++)
            {
                double value = importance.Kept(widths[k]) * ObjectiveScale;
                if (value == 0) continue;
                if (z is null)
                {
                    objective.Add(y[k], value);
                    continue;
                }
                // q = y·z from above: q ≤ y, q ≤ z.
                Variable q = Model.AddContinuous($"q {structure.Groups[g].Name} = {widths[k]} and {structure.Blocks[owner].Name} kept", 0, 1);
                Model.AddConstraint($"q <= y ({q.Label})", new LinearExpression().Add(q, 1).Add(y[k], -1), ConstraintSense.LessOrEqual, 0);
                Model.AddConstraint($"q <= z ({q.Label})", new LinearExpression().Add(q, 1).Add(z.Value, -1), ConstraintSense.LessOrEqual, 0);
                objective.Add(q, value);
            }
        }
        Model.SetObjective(ObjectiveSense.Maximize, objective);
    }

    private void BuildLatency(ILatencyTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        NetworkStructure structure = Space.Structure;
        var latency = new LinearExpression();
        double fixedLatency = 0;
        foreach (LayerInfo layer in structure.Layers)
        {
            if (!Space.IsPresent(layer)) continue;
            LatencyKey key = LatencyKey.Of(layer);
            int block = Space.BlockOf(layer);
            Variable? z = block >= 0 ? _z[block] : null;
            Choice[] ins = Choices(layer.InputGroup);
            Choice[] outs = Choices(layer.OutputGroup);
            bool sameGroup = layer.InputGroup == layer.OutputGroup;
            foreach (Choice i in ins)
            {
                foreach (Choice o in outs)
                {
                    // A layer reading and writing one group (depthwise) sees the same width on both sides.
                    if (sameGroup && i.Width != o.Width) continue;
                    double ms = table.GetLatency(key, i.Width, o.Width);
                    if (ms == 0) continue;
                    var factors = new List<Variable>(3);
                    if (z is { } zb) factors.Add(zb);
                    if (i.Variable is { } yi) factors.Add(yi);
                    if (o.Variable is { } yo && !(sameGroup && i.Variable is not null)) factors.Add(yo);
                    if (factors.Count == 0)
                        fixedLatency += ms;
                    else if (factors.Count == 1)
                        latency.Add(factors[0], ms);
                    else
                        latency.Add(Product(factors, $"p {layer.Name} {i.Width}->{o.Width}"), ms);
                }
            }
        }
        Latency = latency;
        FixedLatency = fixedLatency;
    }

    // p ≥ Σ factors − (k−1), 0 ≤ p ≤ 1: exact for the product of k binaries where p is pushed down.
    private Variable Product(List<Variable> factors, string label)
    {
        Variable p = Model.AddContinuous(label, 0, 1);
        var expression = new LinearExpression().Add(p, 1);
        foreach (Variable f in factors) expression.Add(f, -1);
        Model.AddConstraint($"{label} >= product", expression, ConstraintSense.GreaterOrEqual, -(factors.Count - 1));
        return p;
    }

    private Choice[] Choices(int group) => _y[group] is { } y
        ? Space.Options(group)!.Select((w, k) => new Choice(w, y[k])).ToArray()
        : [new Choice(Space.CurrentWidths[group], null)];

    private readonly record struct Choice(int Width, Variable? Variable);
}
