using System.Linq;
using PruneGen.Generators.Model;
using static PruneGen.Generators.Emission.Emit;

namespace PruneGen.Generators.Emission;

/// <summary>Emits the static <c>Structure</c>: the compile-time structure model as literal data.</summary>
internal static class StructureEmitter
{
    public static string Emit(NetworkPlan plan)
    {
        var w = new IndentedWriter();
        using (Begin(w, plan.Type, "structure"))
        using (w.Block("partial class " + plan.Type.Name))
        {
            w.Line("/// <summary>Layers, channel groups, blocks, stages and members of the full network, derived at compile time.</summary>");
            w.Line($"public static {S}NetworkStructure Structure {{ get; }} = BuildStructure();");
            w.Line();
            using (w.Block($"private static {S}NetworkStructure BuildStructure()"))
            {
                w.Line($"var layers = new {S}LayerInfo[]");
                w.Line("{");
                w.Indent();
                foreach (LayerPlan l in plan.Layers)
                    w.Line($"new(Index: {Num(l.Index)}, Name: \"{l.Path}\", Kind: {S}LayerKind.{(l.IsLinear ? "Linear" : "Conv")}, InputGroup: {Num(l.InGroup)}, OutputGroup: {Num(l.OutGroup)}, " +
                           $"InChannels: {Num(l.InChannels)}, OutChannels: {Num(l.OutChannels)}, Kernel: {Num(l.Kernel)}, Stride: {Num(l.Stride)}, Padding: {Num(l.Padding)}, Depthwise: {Bool(l.Depthwise)}, " +
                           $"InputSize: {Num(l.InputSize)}, OutputSize: {Num(l.OutputSize)}, HasBatchNorm: {Bool(l.BatchNorm)}, HasRelu: {Bool(l.Relu)}, HasBias: {Bool(l.Bias)}, " +
                           $"Block: {Num(l.Block)}, Stage: {Num(l.Stage)}, IsProjection: {Bool(l.IsProjection)}),");
                w.Unindent();
                w.Line("};");
                w.Line($"var groups = new {S}GroupInfo[]");
                w.Line("{");
                w.Indent();
                foreach (GroupPlan g in plan.Groups)
                    w.Line($"new(Index: {Num(g.Index)}, Name: \"{g.Name}\", Size: {Num(g.Size)}, Step: {Num(g.Step)}, Min: {Num(g.Min)}, Prunable: {Bool(g.Prunable)}, IsStream: {Bool(g.IsStream)}, " +
                           $"Producers: {Ints(g.Producers)}, Consumers: {Ints(g.Consumers)}),");
                w.Unindent();
                w.Line("};");
                w.Line($"var blocks = new {S}BlockInfo[]");
                w.Line("{");
                w.Indent();
                foreach (BlockPlan b in plan.Blocks)
                    w.Line($"new(Index: {Num(b.Index)}, Name: \"{b.Path}\", WidthsName: \"{b.FlagName}\", Stage: {Num(b.Stage)}, Removable: {Bool(b.Removable)}, Shortcut: {S}ShortcutKind.{b.Shortcut}, " +
                           $"Layers: {Ints(b.Layers)}, ProjectionLayer: {Num(b.ProjectionLayer)}, InputGroup: {Num(b.InGroup)}, OutputGroup: {Num(b.OutGroup)}, ReluAfterSum: {Bool(b.ReluAfterSum)}),");
                w.Unindent();
                w.Line("};");
                w.Line($"var stages = new {S}StageInfo[]");
                w.Line("{");
                w.Indent();
                foreach (StagePlan s in plan.Stages)
                    w.Line($"new(Index: {Num(s.Index)}, Name: \"{s.Name}\", Member: {Num(s.Member)}, Blocks: {Ints(s.Blocks)}, InputGroup: {Num(s.InGroup)}, OutputGroup: {Num(s.OutGroup)}, " +
                           $"InputSize: {Num(s.InputSize)}, OutputSize: {Num(s.OutputSize)}),");
                w.Unindent();
                w.Line("};");
                w.Line($"var members = new {S}MemberInfo[]");
                w.Line("{");
                w.Indent();
                foreach (MemberPlan m in plan.Members)
                    w.Line($"new(Index: {Num(m.Index)}, Name: \"{m.Name}\", ModuleName: \"{m.ModuleName}\", Kind: {S}MemberKind.{m.Kind}, Layers: {Ints(m.Layers)}, " +
                           $"InputGroup: {Num(m.InGroup)}, OutputGroup: {Num(m.OutGroup)}, InputSize: {Num(m.InputSize)}, OutputSize: {Num(m.OutputSize)}),");
                w.Unindent();
                w.Line("};");
                w.Line($"return new {S}NetworkStructure(\"{plan.Type.Name}\", {Num(plan.InputChannels)}, {Num(plan.InputSize)}, {Num(plan.Classes)}, layers, groups, blocks, stages, members);");
            }
        }
        return w.ToString();
    }

    private static string Ints(EquatableArray<int> values) =>
        values.Count == 0 ? "global::System.Array.Empty<int>()" : "new[] { " + string.Join(", ", values.Select(v => Num(v))) + " }";
}
