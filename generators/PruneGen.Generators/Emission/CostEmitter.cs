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

    private static void Latency(IndentedWriter w, NetworkPlan plan)
    {
        var keys = new List<string>();
        var keyOf = new Dictionary<int, int>();
        var pairs = new List<SortedSet<(int, int)>>();
        foreach (LayerPlan l in plan.Layers)
        {
            string key = $"new({S}LayerKind.{(l.IsLinear ? "Linear" : "Conv")}, Kernel: {Num(l.Kernel)}, Stride: {Num(l.Stride)}, Padding: {Num(l.Padding)}, InputSize: {Num(l.InputSize)}, Depthwise: {Bool(l.Depthwise)})";
            int index = keys.IndexOf(key);
            if (index < 0)
            {
                index = keys.Count;
                keys.Add(key);
                pairs.Add(new SortedSet<(int, int)>());
            }
            keyOf[l.Index] = index;
            int[] inWidths = Reachable(plan.Groups[l.InGroup]), outWidths = Reachable(plan.Groups[l.OutGroup]);
            foreach (int o in outWidths)
            {
                if (l.Depthwise) pairs[index].Add((o, o));
                else foreach (int i in inWidths) pairs[index].Add((i, o));
            }
        }

        w.Line("/// <summary>The distinct layer signatures (kind, kernel, stride, padding, input size, depthwise) a latency table must hold for this network, in first-use order.</summary>");
        w.Line($"public static {Collections}IReadOnlyList<{S}LatencyKey> LatencyKeys {{ get; }} = new {S}LatencyKey[]");
        w.Line("{");
        w.Indent();
        foreach (string key in keys) w.Line(key + ",");
        w.Unindent();
        w.Line("};");
        w.Line();
        w.Line("/// <summary>Each latency key with every (c_in, c_out) pair the search space reaches and the layers that use it.</summary>");
        w.Line($"public static {Collections}IReadOnlyList<{S}LatencyGrid> LatencyGrids {{ get; }} = new {S}LatencyGrid[]");
        w.Line("{");
        w.Indent();
        for (int k = 0; k < keys.Count; k++)
        {
            string layers = string.Join(", ", plan.Layers.Where(l => keyOf[l.Index] == k).Select(l => Num(l.Index)));
            string grid = string.Join(", ", pairs[k].Select(p => $"({Num(p.Item1)}, {Num(p.Item2)})"));
            w.Line($"new(LatencyKeys[{Num(k)}], new (int In, int Out)[] {{ {grid} }}, new[] {{ {layers} }}),");
        }
        w.Unindent();
        w.Line("};");
        w.Line();
        w.Line("/// <summary>Predicted latency at the given widths: the sum of the table's bilayer entries T(key, c_in, c_out) over the present layers.</summary>");
        w.Line($"/// <exception cref=\"{S}MissingLatencyEntryException\">The table lacks an entry a present layer needs.</exception>");
        using (w.Block($"public static double PredictLatency(Widths w, {S}ILatencyTable table)"))
        {
            w.Line("if (table is null) throw new global::System.ArgumentNullException(nameof(table));");
            w.Line("var keys = LatencyKeys;");
            w.Line("double total = 0;");
            foreach (var (block, layers) in Segments(plan))
            {
                if (block is not null) w.Line($"if (w.{block.FlagName})").Line("{").Indent();
                foreach (LayerPlan l in layers)
                    w.Line($"total += {S}LatencyTableExtensions.GetLatency(table, keys[{Num(keyOf[l.Index])}], {Width(plan.Groups[l.InGroup], "w")}, {Width(plan.Groups[l.OutGroup], "w")}); // {l.Path}");
                if (block is not null) w.Unindent().Line("}");
            }
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
