using System.Collections.Generic;
using System.Linq;
using PruneGen.Generators.Model;
using static PruneGen.Generators.Emission.Emit;

namespace PruneGen.Generators.Emission;

/// <summary>
/// Emits the cost model in closed form: MACs and parameters at any widths, their expectations under
/// the gate probabilities as differentiable tensors, the latency keys with their reachable width
/// grids, and the latency prediction from a bilayer lookup table.
/// </summary>
/// <remarks>
/// Every layer costs coefficient x (product of its groups' widths). Under independent Bernoulli gates
/// a width's expectation is the sum of its θ; a layer reading and writing distinct groups factorises,
/// one reading and writing the same group needs E[N²] = (Σθ)² + Σθ(1 − θ), and a removable block's
/// layers are scaled by the block's θ. Fixed groups are constants.
/// </remarks>
internal static class CostEmitter
{
    /// <summary>coefficient x product of group widths; a group listed twice is squared.</summary>
    private sealed record Term(long Coefficient, int[] Groups);

    public static string Emit(NetworkPlan plan)
    {
        var w = new IndentedWriter();
        using (Begin(w, plan.Type, "costs and latency keys"))
        using (w.Block("partial class " + plan.Type.Name))
        {
            Closed(w, plan, "Macs", "Multiply-accumulates of the convs and linear layers at the given widths (BN, pooling and sums excluded).", MacTerms);
            w.Line();
            Closed(w, plan, "Params", "Parameters at the given widths: conv and linear weights, biases, BN weight and bias (running statistics are buffers).", ParamTerms);
            w.Line();
            Expected(w, plan, "ExpectedMacs", "MACs", MacTerms);
            w.Line();
            Expected(w, plan, "ExpectedParams", "parameters", ParamTerms);
            w.Line();
            Latency(w, plan);
        }
        return w.ToString();
    }

    private static IEnumerable<Term> MacTerms(LayerPlan l)
    {
        long coefficient = (long)l.Kernel * l.Kernel * l.OutputSize * l.OutputSize;
        yield return new Term(coefficient, l.Depthwise ? new[] { l.OutGroup } : new[] { l.InGroup, l.OutGroup });
    }

    private static IEnumerable<Term> ParamTerms(LayerPlan l)
    {
        yield return new Term((long)l.Kernel * l.Kernel, l.Depthwise ? new[] { l.OutGroup } : new[] { l.InGroup, l.OutGroup });
        if (l.Bias) yield return new Term(1, new[] { l.OutGroup });
        if (l.BatchNorm) yield return new Term(2, new[] { l.OutGroup });
    }

    /// <summary>Runs of consecutive layers that share a presence condition (the flag of their removable block, or none).</summary>
    private static List<(BlockPlan? Block, List<LayerPlan> Layers)> Segments(NetworkPlan plan)
    {
        var segments = new List<(BlockPlan?, List<LayerPlan>)>();
        BlockPlan? current = null;
        foreach (LayerPlan layer in plan.Layers)
        {
            BlockPlan? block = layer.Block >= 0 && !layer.IsProjection && plan.Blocks[layer.Block].Removable ? plan.Blocks[layer.Block] : null;
            if (segments.Count == 0 || block != current || block is null)
                segments.Add((block, new List<LayerPlan>()));
            segments[segments.Count - 1].Item2.Add(layer);
            current = block;
        }
        return segments;
    }

    private static void Closed(IndentedWriter w, NetworkPlan plan, string method, string summary, System.Func<LayerPlan, IEnumerable<Term>> terms)
    {
        w.Line($"/// <summary>{summary}</summary>");
        using (w.Block($"public static long {method}(Widths w)"))
        {
            w.Line("long total = 0;");
            foreach (var (block, layers) in Segments(plan))
            {
                if (block is not null) w.Line($"if (w.{block.FlagName})").Line("{").Indent();
                foreach (LayerPlan layer in layers)
                    w.Line($"total += {string.Join(" + ", terms(layer).Select(t => LongTerm(plan, t)))}; // {layer.Path}: {Describe(plan, layer)}");
                if (block is not null) w.Unindent().Line("}");
            }
            w.Line("return total;");
        }
        w.Line();
        w.Line($"/// <summary><see cref=\"{method}(Widths)\"/> of this instance.</summary>");
        w.Line($"public long {method}() => {method}(CurrentWidths);");
    }

    private static string LongTerm(NetworkPlan plan, Term term)
    {
        long coefficient = term.Coefficient;
        var factors = new List<string>();
        foreach (int g in term.Groups)
        {
            GroupPlan group = plan.Groups[g];
            if (group.Prunable) factors.Add("w." + group.Name);
            else coefficient *= group.Size;
        }
        return string.Join(" * ", new[] { Num(coefficient) + "L" }.Concat(factors));
    }

    private static void Expected(IndentedWriter w, NetworkPlan plan, string method, string what, System.Func<LayerPlan, IEnumerable<Term>> terms)
    {
        w.Line("/// <summary>");
        w.Line($"/// Expected {what} when every unit and removable block is kept independently with its gate probability θ,");
        w.Line("/// as a differentiable scalar tensor (backward gives the gradient with respect to every θ). Blocks already");
        w.Line("/// removed from this instance count zero.");
        w.Line("/// </summary>");
        using (w.Block($"public {Tensor} {method}()"))
        {
            // Which expected widths (Σθ) and squares (E[N²]) the terms use.
            var counts = new SortedSet<int>();
            var squares = new SortedSet<int>();
            foreach (LayerPlan layer in plan.Layers)
                foreach (Term t in terms(layer))
                {
                    int[] prunable = t.Groups.Where(g => plan.Groups[g].Prunable).ToArray();
                    if (prunable.Length == 2 && prunable[0] == prunable[1]) squares.Add(prunable[0]);
                    else foreach (int g in prunable) counts.Add(g);
                }
            if (counts.Count + squares.Count > 0) w.Line("var units = Gates.Units;");
            if (plan.RemovableBlocks.Length > 0) w.Line("var blocks = Gates.Blocks;");
            foreach (int g in counts) w.Line($"var n{plan.Groups[g].Name} = units[{Num(plan.Groups[g].UnitGate)}].ExpectedCount();");
            foreach (int g in squares) w.Line($"var q{plan.Groups[g].Name} = units[{Num(plan.Groups[g].UnitGate)}].ExpectedSquare();");
            w.Line("var total = Gates.Zero();");
            foreach (var (block, layers) in Segments(plan))
            {
                if (block is null)
                {
                    foreach (LayerPlan layer in layers)
                        w.Line($"total = total + {TensorSum(plan, terms(layer))}; // {layer.Path}");
                }
                else
                {
                    w.Line($"if (CurrentWidths.{block.FlagName}) // {block.Path}: {string.Join(", ", layers.Select(l => l.ModuleName))}, scaled by the block's θ");
                    w.Line($"    total = total + blocks[{Num(block.BlockGate)}].Probability() * ({TensorSum(plan, layers.SelectMany(terms))});");
                }
            }
            w.Line("return total;");
        }
    }

    /// <summary>Sum of terms as C#: tensor products first, then the constant part (a double), so every '+' has a tensor on the left.</summary>
    private static string TensorSum(NetworkPlan plan, IEnumerable<Term> terms)
    {
        var tensorTerms = new List<string>();
        long constant = 0;
        foreach (Term t in terms)
        {
            long coefficient = t.Coefficient;
            var factors = new List<string>();
            int[] prunable = t.Groups.Where(g => plan.Groups[g].Prunable).ToArray();
            foreach (int g in t.Groups.Where(g => !plan.Groups[g].Prunable)) coefficient *= plan.Groups[g].Size;
            if (prunable.Length == 2 && prunable[0] == prunable[1]) factors.Add("q" + plan.Groups[prunable[0]].Name);
            else factors.AddRange(prunable.Select(g => "n" + plan.Groups[g].Name));
            if (factors.Count == 0) constant += coefficient;
            else tensorTerms.Add(string.Join(" * ", factors) + " * " + Num(coefficient) + ".0");
        }
        if (tensorTerms.Count == 0) return Num(constant) + ".0";
        if (constant != 0) tensorTerms.Add(Num(constant) + ".0");
        return string.Join(" + ", tensorTerms);
    }

    // ---- latency ----------------------------------------------------------------------------------

    /// <summary>
    /// One timed operation, mirroring the runtime's <c>LatencyModel.Terms</c>: a conv or linear layer, or
    /// a residual block's sum (+ ReLU) after its last layer, or the relu copy a removed identity block makes
    /// when its input may be negative.
    /// </summary>
    private sealed record LatencyTermPlan(string Key, bool PerChannel, int InGroup, int OutGroup, int Layer, BlockPlan? Block, bool WhileRemoved, string Comment);

    private static List<LatencyTermPlan> LatencyTerms(NetworkPlan plan)
    {
        var terms = new List<LatencyTermPlan>();
        var lastLayer = new Dictionary<int, int>();
        foreach (LayerPlan l in plan.Layers)
            if (l.Block >= 0) lastLayer[l.Block] = l.Index;
        foreach (LayerPlan l in plan.Layers)
        {
            BlockPlan? removable = l.Block >= 0 && !l.IsProjection && plan.Blocks[l.Block].Removable ? plan.Blocks[l.Block] : null;
            string key = $"new({S}LatencyKind.{(l.IsLinear ? "Linear" : "Conv")}, Kernel: {Num(l.Kernel)}, Stride: {Num(l.Stride)}, Padding: {Num(l.Padding)}, InputSize: {Num(l.InputSize)}, Depthwise: {Bool(l.Depthwise)})";
            terms.Add(new LatencyTermPlan(key, l.Depthwise, l.InGroup, l.OutGroup, l.Index, removable, false, l.Path));
            if (l.Block < 0 || lastLayer[l.Block] != l.Index) continue;
            BlockPlan b = plan.Blocks[l.Block];
            if (b.Shortcut == ShortcutKind.None) continue;
            string sum = b.ReluAfterSum ? "ResidualSumRelu" : "ResidualSum";
            terms.Add(new LatencyTermPlan(ElementWiseKey(sum, l.OutputSize), true, b.OutGroup, b.OutGroup, -1, b.Removable ? b : null, false, b.Path + ".sum"));
            if (b.Removable && b.Shortcut == ShortcutKind.Identity && b.ReluAfterSum && !RemovedBlockPassesInputOn(plan, b))
                terms.Add(new LatencyTermPlan(ElementWiseKey("ReluCopy", l.OutputSize), true, b.InGroup, b.OutGroup, -1, b, true, b.Path + ".removed"));
        }
        return terms;
    }

    private static string ElementWiseKey(string kind, int size) =>
        $"new({S}LatencyKind.{kind}, Kernel: 1, Stride: 1, Padding: 0, InputSize: {Num(size)}, Depthwise: true)";

    // The previous block of the stage ends in a ReLU, so a removed block's relu(input) is its input.
    private static bool RemovedBlockPassesInputOn(NetworkPlan plan, BlockPlan block)
    {
        int position = block.IndexInStage;
        return position > 0 && plan.Blocks[plan.Stages[block.Stage].Blocks[position - 1]].ReluAfterSum;
    }

    private static void Latency(IndentedWriter w, NetworkPlan plan)
    {
        var keys = new List<string>();
        var keyOf = new List<int>();
        var pairs = new List<SortedSet<(int, int)>>();
        List<LatencyTermPlan> terms = LatencyTerms(plan);
        foreach (LatencyTermPlan t in terms)
        {
            int index = keys.IndexOf(t.Key);
            if (index < 0)
            {
                index = keys.Count;
                keys.Add(t.Key);
                pairs.Add(new SortedSet<(int, int)>());
            }
            keyOf.Add(index);
            int[] inWidths = Reachable(plan.Groups[t.InGroup]), outWidths = Reachable(plan.Groups[t.OutGroup]);
            foreach (int o in outWidths)
            {
                if (t.PerChannel) pairs[index].Add((o, o));
                else foreach (int i in inWidths) pairs[index].Add((i, o));
            }
        }

        w.Line("/// <summary>The distinct operation signatures (kind, kernel, stride, padding, input size, depthwise) a latency table must hold for this network, in first-use order.</summary>");
        w.Line($"public static {Collections}IReadOnlyList<{S}LatencyKey> LatencyKeys {{ get; }} = new {S}LatencyKey[]");
        w.Line("{");
        w.Indent();
        foreach (string key in keys) w.Line(key + ",");
        w.Unindent();
        w.Line("};");
        w.Line();
        w.Line("/// <summary>Each latency key with every (c_in, c_out) pair the search space reaches and the layers that use it (none for element-wise operations).</summary>");
        w.Line($"public static {Collections}IReadOnlyList<{S}LatencyGrid> LatencyGrids {{ get; }} = new {S}LatencyGrid[]");
        w.Line("{");
        w.Indent();
        for (int k = 0; k < keys.Count; k++)
        {
            string layers = string.Join(", ", terms.Where((t, n) => keyOf[n] == k && t.Layer >= 0).Select(t => Num(t.Layer)));
            string grid = string.Join(", ", pairs[k].Select(p => $"({Num(p.Item1)}, {Num(p.Item2)})"));
            w.Line($"new(LatencyKeys[{Num(k)}], new (int In, int Out)[] {{ {grid} }}, {(layers.Length == 0 ? "new int[0]" : $"new int[] {{ {layers} }}")}),");
        }
        w.Unindent();
        w.Line("};");
        w.Line();
        w.Line("/// <summary>Predicted latency at the given widths: the sum of the table's entries T(key, c_in, c_out) over the operations present (layers, residual sums, removed blocks' relu copies).</summary>");
        w.Line($"/// <exception cref=\"{S}MissingLatencyEntryException\">The table lacks an entry a present operation needs.</exception>");
        using (w.Block($"public static double PredictLatency(Widths w, {S}ILatencyTable table)"))
        {
            w.Line("if (table is null) throw new global::System.ArgumentNullException(nameof(table));");
            w.Line("var keys = LatencyKeys;");
            w.Line("double total = 0;");
            string? open = null;
            for (int n = 0; n < terms.Count; n++)
            {
                LatencyTermPlan t = terms[n];
                string? condition = t.Block is null ? null : (t.WhileRemoved ? "!w." : "w.") + t.Block.FlagName;
                if (condition != open)
                {
                    if (open is not null) w.Unindent().Line("}");
                    if (condition is not null) w.Line($"if ({condition})").Line("{").Indent();
                    open = condition;
                }
                string output = Width(plan.Groups[t.OutGroup], "w");
                string input = t.PerChannel ? output : Width(plan.Groups[t.InGroup], "w");
                w.Line($"total += {S}LatencyTableExtensions.GetLatency(table, keys[{Num(keyOf[n])}], {input}, {output}); // {t.Comment}");
            }
            if (open is not null) w.Unindent().Line("}");
            w.Line("return total;");
        }
    }

    private static int[] Reachable(GroupPlan group)
    {
        if (!group.Prunable) return new[] { group.Size };
        var widths = new List<int>();
        for (int width = group.Step; width <= group.Size; width += group.Step)
            if (width >= group.Min) widths.Add(width);
        return widths.ToArray();
    }
}
