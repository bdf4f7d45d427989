using System.Globalization;
using PruneGen.Solvers;
using PruneGen.Structure;

namespace PruneGen.Methods.Mdp;

/// <summary>
/// MDP's integer program over a <see cref="PruningSpace"/> (METHODS.md §2), linearised exactly:
/// one-hot <c>y_g</c> over the widths group g may keep, <c>z_b</c> per removable block;
/// maximise <c>Σ_l z_b(l) · y_g(l)ᵀ Î_l</c> (l over the layers writing each group) subject to <c>Σ_l z_b(l) · y_in(l)ᵀ C_l y_out(l) ≤ Ψ</c>, where l runs
/// over the network's <see cref="LatencyModel.Terms"/>: its layers, and the residual sums (and removed
/// blocks' pass-throughs, weighted by 1 − z) the table also times.
/// </summary>
/// <remarks>
/// <para>Importance is the per-layer sum of the paper: a coupled group's channels are kept or removed
/// together and ranked by one score per channel, which <see cref="GroupImportance.WriterKept"/>
/// shares out among the layers writing the group. Each share counts while its layer is kept, so a
/// block's removal costs its own inner groups and its share of the residual stream it writes.</para>
/// <para>Every product of binaries gets one continuous variable in [0, 1], shared by every term
/// that needs that product (a block's two convs multiply the same z, y_stream and y_inner). In the
/// latency constraint it is bounded below, <c>p ≥ Σ factors − (k−1)</c> (the constraint pushes p
/// down, so p is the product at an optimum); in the objective above, <c>q ≤ each factor</c>
/// (maximisation pushes it up). All coefficients are non-negative, which makes these one-sided
/// forms exact.</para>
/// </remarks>
public sealed class MdpProgram
{
    /// <summary>Relative margin kept below the budget.</summary>
    public const double BudgetMargin = 1e-6;

    private readonly Variable[]?[] _y;
    private readonly Variable?[] _z;
    private readonly Dictionary<string, Variable> _products = new();
    private readonly HashSet<int> _boundedAbove = new();
    private readonly HashSet<string> _tied = new();
    private readonly List<(Variable Product, Variable[] Factors)> _productFactors = new();
    private readonly HashSet<int> _pinned = new();

    private MdpProgram(PruningSpace space, bool removeBlocks, bool strengthen, string name)
    {
        Space = space;
        Strengthened = strengthen;
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

    public PruningSpace Space { get; }
    public MilpModel Model { get; }

    /// <summary>Whether the valid equalities that tighten the LP relaxation were added (see <see cref="MaximiseImportance"/>).</summary>
    public bool Strengthened { get; }

    /// <summary>The latency expression's constant part: layers whose cost no decision changes, in ms.</summary>
    public double FixedLatency { get; private set; }

    /// <summary>Σ_l z_b(l) · y_inᵀ C_l y_out, without <see cref="FixedLatency"/>.</summary>
    public LinearExpression Latency { get; private set; } = new();

    /// <summary>Scale applied to importance in the objective (the objective divided by it is the importance kept).</summary>
    public double ObjectiveScale { get; private set; } = 1;

    /// <summary>The MDP program: maximise kept importance under a latency budget in ms.</summary>
    /// <param name="strengthen">
    /// Add equalities that hold at every integer point, so the optimum is unchanged, but that tighten
    /// the LP relaxation CBC bounds with: for a layer whose input and output widths are both decisions,
    /// the products of one input width with all output widths sum to that input width's product with z
    /// (and likewise per output width: the one-hot marginals of <c>y_in y_outᵀ</c>), and over a group's
    /// widths the products with z sum to z. Without them the program is the bare linearisation of
    /// METHODS.md, whose relaxation lets fractional widths make latency nearly free; CBC then needs
    /// seconds instead of milliseconds to prove ResNet-20 optimal.
    /// </param>
    public static MdpProgram MaximiseImportance(PruningSpace space, ImportanceScores scores, ILatencyTable table, double budgetMs, bool removeBlocks, bool strengthen = true)
    {
        ArgumentNullException.ThrowIfNull(scores);
        if (!double.IsFinite(budgetMs) || budgetMs <= 0)
            throw new ArgumentOutOfRangeException(nameof(budgetMs), budgetMs, "the latency budget must be a positive number of milliseconds");
        var program = new MdpProgram(space ?? throw new ArgumentNullException(nameof(space)), removeBlocks, strengthen, "mdp");
        program.BuildLatency(table);
        program.BuildImportanceObjective(scores);
        program.BoundProductsBelow();
        // A margin of 1e-6·Ψ absorbs CBC's integrality tolerance (1e-6), so the decoded structure's LUT
        // latency is at most Ψ exactly, not merely within tolerance.
        program.Model.AddConstraint("latency budget", program.Latency, ConstraintSense.LessOrEqual, budgetMs * (1 - BudgetMargin) - program.FixedLatency);
        return program;
    }

    /// <summary>The smallest LUT latency the space can reach (used to explain an infeasible budget).</summary>
    public static MdpProgram MinimiseLatency(PruningSpace space, ILatencyTable table, bool removeBlocks, bool strengthen = true)
    {
        var program = new MdpProgram(space ?? throw new ArgumentNullException(nameof(space)), removeBlocks, strengthen, "mdp-min-latency");
        program.BuildLatency(table);
        program.BoundProductsBelow();
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

    /// <summary>
    /// The model's point for a structure of the space: y and z set as the structure says, every product
    /// variable at the product of its factors. (Groups gone with a removed block may take any width.)
    /// </summary>
    public double[] PointOf(IReadOnlyList<int> groupWidths, IReadOnlyList<bool> blocksKept)
    {
        ArgumentNullException.ThrowIfNull(groupWidths);
        ArgumentNullException.ThrowIfNull(blocksKept);
        var values = new double[Model.Variables.Count];
        for (int g = 0; g < _y.Length; g++)
        {
            if (_y[g] is not { } y) continue;
            int k = Space.Options(g)!.ToList().IndexOf(groupWidths[g]);
            if (k < 0) throw new ArgumentException($"width {groupWidths[g]} of group '{Space.Structure.Groups[g].Name}' is not among its options", nameof(groupWidths));
            values[y[k].Index] = 1;
        }
        for (int b = 0; b < _z.Length; b++)
            if (_z[b] is { } z) values[z.Index] = blocksKept[b] ? 1 : 0;
        foreach (var (p, factors) in _productFactors)
            values[p.Index] = factors.All(f => values[f.Index] == 1) ? 1 : 0;
        return values;
    }

    /// <summary>
    /// The program's objective for a structure: over live groups, the importance of their kept channels,
    /// each writer's share counting while the writer is in the network.
    /// </summary>
    public static double KeptImportance(PruningSpace space, ImportanceScores scores, IReadOnlyList<int> groupWidths, IReadOnlyList<bool> blocksKept)
    {
        ArgumentNullException.ThrowIfNull(space);
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(groupWidths);
        double total = 0;
        foreach (GroupInfo group in space.Structure.PrunableGroups)
            if (space.Options(group.Index) is not null)
                total += KeptImportance(space.Structure, scores[group.Index], groupWidths[group.Index], blocksKept);
        return total;
    }

    /// <summary>One group's term of <see cref="KeptImportance(PruningSpace, ImportanceScores, IReadOnlyList{int}, IReadOnlyList{bool})"/>.</summary>
    public static double KeptImportance(NetworkStructure structure, GroupImportance importance, int width, IReadOnlyList<bool> blocksKept)
    {
        ArgumentNullException.ThrowIfNull(structure);
        ArgumentNullException.ThrowIfNull(importance);
        ArgumentNullException.ThrowIfNull(blocksKept);
        IReadOnlyList<int> writers = importance.Group.Producers;
        double total = 0;
        for (int writer = 0; writer < writers.Count; writer++)
            if (CostModel.IsPresent(structure.Layers[writers[writer]], blocksKept))
                total += importance.WriterKept(writer, width);
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
            IReadOnlyList<int> widths = Space.Options(g)!;
            IReadOnlyList<int> writers = structure.Groups[g].Producers;
            for (int writer = 0; writer < writers.Count; writer++)
            {
                LayerInfo layer = structure.Layers[writers[writer]];
                int block = Space.BlockOf(layer);
                Variable? z = block >= 0 ? _z[block] : null;
                if (z is null && !Space.IsPresent(layer)) continue;
                for (int k = 0; k < y.Length; k++)
                {
                    // q = z·y from above (q ≤ z, q ≤ y); y itself for a writer no decision removes.
                    Variable q = z is { } zb ? Product([zb, y[k]], boundAbove: true) : y[k];
                    objective.Add(q, importance.WriterKept(writer, widths[k]) * ObjectiveScale);
                }
                if (Strengthened && z is { } zg) TieToBlock(zg, g);
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
        foreach (LatencyTerm term in LatencyModel.Terms(structure))
        {
            // Blocks already removed, or not open to removal here, fix the term's presence.
            Variable? z = term.Block >= 0 ? _z[term.Block] : null;
            if (z is null && !term.IsPresent(Space.CurrentBlocks)) continue;
            Choice[] ins = Choices(term.InputGroup);
            Choice[] outs = Choices(term.OutputGroup);
            bool sameGroup = term.InputGroup == term.OutputGroup;
            foreach (Choice i in ins)
            {
                foreach (Choice o in outs)
                {
                    // A term reading and writing one group (depthwise, element-wise) sees the same width on both sides.
                    if (sameGroup && i.Width != o.Width) continue;
                    double ms = table.GetLatency(term.Key, i.Width, o.Width);
                    var widths = new List<Variable>(2);
                    if (i.Variable is { } yi) widths.Add(yi);
                    if (o.Variable is { } yo && !(sameGroup && i.Variable is not null)) widths.Add(yo);
                    if (term.WhileRemoved && z is { } removed)
                    {
                        // (1 − z)·Π y = Π y − z·Π y. The product with z enters with a negative sign, so it
                        // is bounded from above as well (p ≤ each factor) to stay exact.
                        if (widths.Count == 0) fixedLatency += ms;
                        else latency.Add(Product(widths, boundAbove: false), ms);
                        latency.Add(Product(With(removed, widths.ToArray()), boundAbove: true), -ms);
                        continue;
                    }
                    if (z is { } kept) widths.Insert(0, kept);
                    if (widths.Count == 0)
                        fixedLatency += ms;
                    else
                        latency.Add(Product(widths, boundAbove: false), ms);
                }
            }
            if (Strengthened && !sameGroup && _y[term.InputGroup] is not null && _y[term.OutputGroup] is not null)
                TieMarginals(z, term.InputGroup, term.OutputGroup);
        }
        Latency = latency;
        FixedLatency = fixedLatency;
    }

    /// <summary>
    /// The variable standing for the product of binary <paramref name="factors"/> (the factor itself
    /// for one), shared by every term with the same factors; with <paramref name="boundAbove"/> it gets
    /// <c>p ≤ each factor</c>. Its lower bound <c>p ≥ Σ factors − (k−1)</c> is added at the end by
    /// <see cref="BoundProductsBelow"/>.
    /// </summary>
    private Variable Product(IReadOnlyList<Variable> factors, bool boundAbove)
    {
        if (factors.Count == 1) return factors[0];
        Variable[] sorted = factors.DistinctBy(f => f.Index).OrderBy(f => f.Index).ToArray();
        if (sorted.Length == 1) return sorted[0];
        string key = string.Join(",", sorted.Select(f => f.Index.ToString(CultureInfo.InvariantCulture)));
        if (!_products.TryGetValue(key, out Variable p))
        {
            p = Model.AddContinuous("product of " + string.Join(" and ", sorted.Select(f => f.Label)), 0, 1);
            _products[key] = p;
            _productFactors.Add((p, sorted));
        }
        if (boundAbove && _boundedAbove.Add(p.Index))
            foreach (Variable f in sorted)
                Model.AddConstraint($"p <= {f.Label} ({p.Label})", new LinearExpression().Add(p, 1).Add(f, -1), ConstraintSense.LessOrEqual, 0);
        return p;
    }

    // p ≥ Σ factors − (k−1) for every product, except, when strengthened, those the marginal equalities
    // already pin to the product at every integer point (their rows would only enlarge the LP CBC
    // re-solves at each node).
    private void BoundProductsBelow()
    {
        foreach (var (p, factors) in _productFactors)
        {
            if (Strengthened && _pinned.Contains(p.Index)) continue;
            var lower = new LinearExpression().Add(p, 1);
            foreach (Variable f in factors) lower.Add(f, -1);
            Model.AddConstraint($"p >= sum - {factors.Length - 1} ({p.Label})", lower, ConstraintSense.GreaterOrEqual, -(factors.Length - 1));
        }
    }

    // For groups A and B (and block z): Σ_j p(z, A_i, B_j) = p(z, A_i) for every i, and the same per j:
    // at an integer point exactly one B_j is 1, so the row sum is the row's own product.
    private void TieMarginals(Variable? z, int groupA, int groupB)
    {
        string key = string.Create(CultureInfo.InvariantCulture, $"{z?.Index ?? -1}:{Math.Min(groupA, groupB)}:{Math.Max(groupA, groupB)}");
        if (!_tied.Add(key)) return;
        Variable[] a = _y[groupA]!, b = _y[groupB]!;
        for (int side = 0; side < 2; side++)
        {
            Variable[] rows = side == 0 ? a : b, columns = side == 0 ? b : a;
            foreach (Variable row in rows)
            {
                var sum = new LinearExpression();
                foreach (Variable column in columns)
                {
                    Variable p = Product(With(z, row, column), boundAbove: false);
                    _pinned.Add(p.Index);
                    sum.Add(p, 1);
                }
                sum.Add(Product(With(z, row), boundAbove: false), -1);
                Model.AddConstraint($"marginal of {row.Label}{(z is { } zb ? " with " + zb.Label : "")} against {columns[0].Label}..", sum, ConstraintSense.Equal, 0);
            }
        }
        if (z is { } zz)
        {
            TieToBlock(zz, groupA);
            TieToBlock(zz, groupB);
        }
    }

    // Σ_k p(z, y_k) = z (exactly one width when the block stays, none when it goes), and p(z, y_k) ≤ y_k.
    private void TieToBlock(Variable z, int group)
    {
        if (!_tied.Add(string.Create(CultureInfo.InvariantCulture, $"{z.Index}:{group}"))) return;
        var sum = new LinearExpression();
        foreach (Variable y in _y[group]!)
        {
            Variable p = Product([z, y], boundAbove: true);
            _pinned.Add(p.Index);
            sum.Add(p, 1);
        }
        sum.Add(z, -1);
        Model.AddConstraint($"widths of {Space.Structure.Groups[group].Name} sum to {z.Label}", sum, ConstraintSense.Equal, 0);
    }

    private static Variable[] With(Variable? z, params Variable[] factors) => z is { } zb ? [zb, .. factors] : factors;

    private Choice[] Choices(int group) => _y[group] is { } y
        ? Space.Options(group)!.Select((w, k) => new Choice(w, y[k])).ToArray()
        : [new Choice(Space.CurrentWidths[group], null)];

    private readonly record struct Choice(int Width, Variable? Variable);
}
