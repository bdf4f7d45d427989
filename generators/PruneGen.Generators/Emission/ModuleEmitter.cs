using System.Collections.Generic;
using System.Linq;
using PruneGen.Generators.Model;
using static PruneGen.Generators.Emission.Emit;

namespace PruneGen.Generators.Emission;

/// <summary>
/// Emits the module half of a network: the base class, the layers and their explicit registration,
/// the gates, <c>forward</c>, the partial property bodies, <c>Slim</c>, summary and checkpoints.
/// </summary>
internal static class ModuleEmitter
{
    public static string Emit(NetworkPlan plan)
    {
        var w = new IndentedWriter();
        string name = plan.Type.Name;
        using (Begin(w, plan.Type, "module"))
        using (w.Block($"partial class {name} : {Module}, {S}IPrunableNetwork"))
        {
            foreach (MemberPlan m in plan.Members) w.Line($"private readonly {m.PropertyType} {Field(m)};");
            w.Line($"private readonly {L}ISlimmableLayer?[] _computeLayers;");
            w.Line();
            w.Line("/// <summary>The full network (every group at full width, every block kept).</summary>");
            w.Line($"public {name}() : this(Widths.Full)");
            w.Line("{");
            w.Line("}");
            w.Line();
            Constructor(w, plan);
            w.Line();
            w.Line("/// <summary>The widths this instance was built with.</summary>");
            w.Line("public Widths CurrentWidths { get; }");
            w.Line();
            w.Line("/// <summary>The unit gates (one per prunable group, in Widths order) and block gates (one per removable block).</summary>");
            w.Line($"public {G}GateSet Gates {{ get; }}");
            w.Line();
            foreach (MemberPlan m in plan.Members)
                w.Line($"{m.Accessibility} partial {m.PropertyType} {m.Name} {{ get => {Field(m)}; }}");
            w.Line();
            Forward(w, plan);
            w.Line();
            Slim(w, plan);
            w.Line();
            Interface(w, plan);
        }
        return w.ToString();
    }

    private static string Field(MemberPlan member) => "_" + char.ToLowerInvariant(member.Name[0]) + member.Name.Substring(1);

    private static void Constructor(IndentedWriter w, NetworkPlan plan)
    {
        string name = plan.Type.Name;
        w.Line("/// <summary>Builds the network at the given widths; removed blocks keep only their shortcut.</summary>");
        w.Line("/// <exception cref=\"global::System.ArgumentOutOfRangeException\">A width is below 1 or above its full width.</exception>");
        using (w.Block($"public {name}(Widths widths) : base(\"{name}\")"))
        {
            w.Line("widths.ValidateBounds();");
            w.Line("CurrentWidths = widths;");
            // One unit gate per prunable group and one block gate per removable block, in Widths order.
            w.Line($"Gates = new {G}GateSet(");
            w.Indent();
            w.Line("new (string Name, int Size)[]");
            w.Line("{");
            w.Indent();
            foreach (GroupPlan g in plan.PrunableGroups) w.Line($"(\"{Naming.Snake(g.Name)}\", widths.{g.Name}),");
            w.Unindent();
            w.Line("},");
            w.Line((plan.RemovableBlocks.Length == 0 ? "global::System.Array.Empty<string>()" : "new string[] { " + string.Join(", ", plan.RemovableBlocks.Select(b => Naming.Literal(Naming.Snake(b.FlagName)))) + " }") + ");");
            w.Unindent();
            w.Line();
            foreach (MemberPlan m in plan.Members)
            {
                string field = Field(m);
                switch (m.Kind)
                {
                    case MemberKind.Conv:
                        w.Line($"{field} = new {m.PropertyType}({ConvSpec(plan, plan.Layers[m.Layers[0]], "widths")});");
                        break;
                    case MemberKind.Stage:
                        StagePlan stage = plan.Stages[m.Stage];
                        w.Line($"{field} = new {m.PropertyType}(\"{m.ModuleName}\", new {m.BlockType}[]");
                        w.Line("{");
                        w.Indent();
                        foreach (int b in stage.Blocks) Block(w, plan, plan.Blocks[b], m.BlockType!);
                        w.Unindent();
                        w.Line("});");
                        break;
                    case MemberKind.MaxPool or MemberKind.AvgPool:
                        w.Line($"{field} = new {m.PropertyType}(\"{m.ModuleName}\", kernel: {Num(m.PoolKernel)}, stride: {Num(m.PoolStride)});");
                        break;
                    case MemberKind.GlobalAvgPool:
                        w.Line($"{field} = new {m.PropertyType}(\"{m.ModuleName}\");");
                        break;
                    case MemberKind.Linear:
                        LayerPlan linear = plan.Layers[m.Layers[0]];
                        w.Line($"{field} = new {m.PropertyType}(\"{m.ModuleName}\", inFeatures: {Width(plan.Groups[linear.InGroup], "widths")}, outFeatures: {Width(plan.Groups[linear.OutGroup], "widths")}, gate: {UnitGate(plan, linear.OutGroup)});");
                        break;
                    case MemberKind.Head:
                        LayerPlan head = plan.Layers[m.Layers[0]];
                        w.Line($"{field} = new {m.PropertyType}(\"{m.ModuleName}\", inFeatures: {Width(plan.Groups[head.InGroup], "widths")}, classes: {Num(plan.Classes)});");
                        break;
                }
                w.Line($"register_module(\"{m.ModuleName}\", {field});");
            }
            w.Line("register_module(\"gates\", Gates);");
            w.Line();
            w.Line("// Aligned with Structure.Layers; null where a removed block's layer does not exist.");
            w.Line($"_computeLayers = new {L}ISlimmableLayer?[]");
            w.Line("{");
            w.Indent();
            foreach (LayerPlan layer in plan.Layers) w.Line(LayerAccess(plan, layer) + ",");
            w.Unindent();
            w.Line("};");
        }
    }

    private static string UnitGate(NetworkPlan plan, int group) =>
        plan.Groups[group].UnitGate >= 0 ? $"Gates.Units[{Num(plan.Groups[group].UnitGate)}]" : "null";

    private static string ConvSpec(NetworkPlan plan, LayerPlan layer, string widths) =>
        $"new {L}ConvSpec(\"{layer.ModuleName}\", InChannels: {Width(plan.Groups[layer.InGroup], widths)}, OutChannels: {Width(plan.Groups[layer.OutGroup], widths)}, " +
        $"Kernel: {Num(layer.Kernel)}, Stride: {Num(layer.Stride)}, Padding: {Num(layer.Padding)}, Depthwise: {Bool(layer.Depthwise)}, Relu: {Bool(layer.Relu)}, Gate: {UnitGate(plan, layer.OutGroup)})";

    private static void Block(IndentedWriter w, NetworkPlan plan, BlockPlan block, string blockType)
    {
        string removed = block.Removable ? "!widths." + block.FlagName : "false";
        string gate = block.Removable ? $"Gates.Blocks[{Num(block.BlockGate)}]" : "null";
        string projection = block.ProjectionLayer >= 0 ? ConvSpec(plan, plan.Layers[block.ProjectionLayer], "widths") : "null";
        w.Line($"new {blockType}(new {L}BlockSpec(\"{Num(block.IndexInStage)}\", Removed: {removed}, Branch: new {L}ConvSpec[]");
        w.Line("{");
        w.Indent();
        foreach (int l in block.Layers) w.Line(ConvSpec(plan, plan.Layers[l], "widths") + ",");
        w.Unindent();
        w.Line($"}}, Projection: {projection}, IdentityShortcut: {Bool(block.Shortcut == ShortcutKind.Identity)}, Gate: {gate}, ReluAfterSum: {Bool(block.ReluAfterSum)})),");
    }

    /// <summary>The expression reaching a layer's module from the network, e.g. "_stage1.Blocks[0].BranchLayerOrNull(1)".</summary>
    private static string LayerAccess(NetworkPlan plan, LayerPlan layer)
    {
        MemberPlan member = plan.Members.First(m => m.Index == layer.Member);
        if (layer.Block < 0) return Field(member);
        BlockPlan block = plan.Blocks[layer.Block];
        string blockAccess = $"{Field(member)}.Blocks[{Num(block.IndexInStage)}]";
        if (layer.IsProjection) return blockAccess + ".Projection";
        return $"{blockAccess}.BranchLayerOrNull({Num(block.Layers.ToList().IndexOf(layer.Index))})";
    }

    private static void Forward(IndentedWriter w, NetworkPlan plan)
    {
        w.Line("/// <summary>Runs the network; gates act as <see cref=\"Gates\"/>' mode says (none when Off).</summary>");
        using (w.Block($"public override {Tensor} forward({Tensor} input)"))
        {
            w.Line("Gates.BeginForward(input);");
            // Intermediate results are released as soon as the method returns; autograd keeps what it needs.
            string previous = "input";
            for (int i = 0; i < plan.Members.Count; i++)
            {
                MemberPlan m = plan.Members[i];
                if (i == plan.Members.Count - 1)
                {
                    w.Line($"return {Field(m)}.forward({previous});");
                }
                else
                {
                    string next = "x" + Num(i);
                    w.Line($"using var {next} = {Field(m)}.forward({previous});");
                    previous = next;
                }
            }
        }
        w.Line();
        w.Line("/// <summary>");
        w.Line("/// Runs one top-level member (a sub-network between two cut points, see Structure.Stages) on its input.");
        w.Line("/// Call <c>Gates.BeginForward(x)</c> first when gates are on.");
        w.Line("/// </summary>");
        using (w.Block($"public {Tensor} ForwardMember(int member, {Tensor} x)"))
        {
            using (w.Block("switch (member)"))
            {
                foreach (MemberPlan m in plan.Members)
                    w.Line($"case {Num(m.Index)}: return {Field(m)}.forward(x);");
                w.Line($"default: throw new global::System.ArgumentOutOfRangeException(nameof(member), member, \"{plan.Type.Name} has members 0 to {Num(plan.Members.Count - 1)}\");");
            }
        }
    }

    private static void Slim(IndentedWriter w, NetworkPlan plan)
    {
        string name = plan.Type.Name;
        w.Line("/// <summary>Masks that keep everything, sized to this instance's current widths; edit them and pass them to <see cref=\"Slim\"/>.</summary>");
        w.Line($"public {S}PruneMasks NewMasks() => new {S}PruneMasks(Structure, CurrentWidths.ToGroupWidths(), CurrentWidths.ToBlockFlags());");
        w.Line();
        w.Line("/// <summary>");
        w.Line("/// A new, physically smaller network holding the kept units' weights, BN statistics and gate");
        w.Line("/// probabilities; removed blocks keep only their shortcut. Its output equals this network's output");
        w.Line("/// with the removed units and blocks gated to zero.");
        w.Line("/// </summary>");
        using (w.Block($"public {name} Slim({S}PruneMasks masks)"))
        {
            w.Line("if (masks is null) throw new global::System.ArgumentNullException(nameof(masks));");
            w.Line($"{L}Slimming.CheckMasks(this, masks);");
            w.Line($"var slim = new {name}(Widths.FromGroupWidths(masks.KeptWidths(), masks.BlocksKept()));");
            w.Line($"{L}Slimming.CopyKept(this, slim, masks);");
            w.Line("return slim;");
        }
        w.Line();
        w.Line("/// <summary>");
        w.Line("/// <see cref=\"Slim(global::PruneGen.Structure.PruneMasks)\"/> with masks in the order of the Widths members: one");
        w.Line("/// keep-array per prunable group, sized to its current width (null keeps it whole), and one flag per removable block.");
        w.Line("/// </summary>");
        w.Line($"public {name} Slim({Collections}IReadOnlyList<bool[]?> unitMasks, {Collections}IReadOnlyList<bool> blockMasks) => Slim(NewMasks().Keep(unitMasks, blockMasks));");
        w.Line();
        w.Line("/// <summary>Saves the weights (safetensors) and, next to them, the widths sidecar.</summary>");
        w.Line($"public void SaveCheckpoint(string path) => {S}Checkpoint.Save(this, path, CurrentWidths.ToSidecar());");
        w.Line();
        w.Line("/// <summary>Rebuilds a (possibly pruned) network from its widths sidecar and loads its weights.</summary>");
        using (w.Block($"public static {name} LoadCheckpoint(string path)"))
        {
            w.Line($"var widths = Widths.FromSidecar({S}WidthsSidecar.Load({S}WidthsSidecar.PathFor(path)));");
            w.Line($"var network = new {name}(widths);");
            w.Line($"{S}Checkpoint.LoadWeights(network, path);");
            w.Line("return network;");
        }
        w.Line();
        w.Line("/// <summary>A per-layer table of this instance: channels, MACs and parameters, with totals.</summary>");
        w.Line($"public string Summary() => {S}StructureSummary.Render(Structure, CurrentWidths.ToGroupWidths(), CurrentWidths.ToBlockFlags());");
    }

    private static void Interface(IndentedWriter w, NetworkPlan plan)
    {
        string name = plan.Type.Name;
        w.Line($"{S}NetworkStructure {S}IPrunableNetwork.Structure => Structure;");
        w.Line($"int[] {S}IPrunableNetwork.GroupWidths => CurrentWidths.ToGroupWidths();");
        w.Line($"bool[] {S}IPrunableNetwork.BlocksKept => CurrentWidths.ToBlockFlags();");
        w.Line($"{Collections}IReadOnlyList<{L}ISlimmableLayer?> {S}IPrunableNetwork.ComputeLayers => _computeLayers;");
        w.Line($"{S}IPrunableNetwork {S}IPrunableNetwork.Slim({S}PruneMasks masks) => Slim(masks);");
        w.Line($"double {S}IPrunableNetwork.PredictLatency({S}ILatencyTable table) => PredictLatency(CurrentWidths, table);");
    }
}
