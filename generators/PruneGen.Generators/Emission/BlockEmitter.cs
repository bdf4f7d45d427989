using System.Linq;
using PruneGen.Generators.Diagnostics;
using PruneGen.Generators.Model;
using static PruneGen.Generators.Emission.Emit;

namespace PruneGen.Generators.Emission;

/// <summary>Emits a <c>[Block]</c> class: derived from the runtime's ResidualBlock, with typed accessors for its branch layers.</summary>
internal static class BlockEmitter
{
    public static string Emit(BlockClassPlan plan)
    {
        var w = new IndentedWriter();
        using (Begin(w, plan.Type, "residual block"))
        using (w.Block($"partial class {plan.Type.Name} : {L}ResidualBlock"))
        {
            w.Line("/// <summary>Builds the block from the spec that a network's generated constructor prepares.</summary>");
            w.Line($"public {plan.Type.Name}({L}BlockSpec spec) : base(spec)");
            w.Line("{");
            w.Line("}");
            w.Line();
            for (int i = 0; i < plan.Layers.Count; i++)
            {
                BlockAccessor layer = plan.Layers[i];
                w.Line($"/// <summary>Branch layer {Num(i)}. Throws when the block was removed (only its shortcut remains).</summary>");
                w.Line($"{layer.Accessibility} partial {layer.LayerType} {layer.Name} {{ get => ({layer.LayerType})BranchLayer({Num(i)}); }}");
                if (i < plan.Layers.Count - 1) w.Line();
            }
        }
        return w.ToString();
    }

    /// <summary>Members of the runtime's ResidualBlock that a block's layers must not hide.</summary>
    private static readonly string[] s_reserved = { "Spec", "IsRemoved", "Branch", "Projection", "Gate", "BranchLayer", "BranchLayerOrNull", "forward" };

    public static BlockClassPlan Plan(BlockDeclaration declaration)
    {
        var diagnostics = declaration.Diagnostics.ToList();
        foreach (MemberDeclaration member in declaration.Members.Where(m => s_reserved.Contains(m.Name)))
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DuplicateName, member.Location, member.Name,
                "layer '" + member.Name + "' of block '" + declaration.Type.Name + "'", "a member of PruneGen.Layers.ResidualBlock"));
        return new BlockClassPlan(
            declaration.Type,
            declaration.Members.Select(m => new BlockAccessor(m.Name, m.Accessibility, "global::" + (m.Kind == LayerKind.ConvBnRelu ? KnownNames.ConvBnRelu : KnownNames.ConvBn))).ToEquatableArray(),
            diagnostics.ToEquatableArray());
    }
}
