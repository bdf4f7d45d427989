using System.Linq;
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
            }
        }
        return w.ToString();
    }

    public static BlockClassPlan Plan(BlockDeclaration declaration) => new(
        declaration.Type,
        declaration.Members.Select(m => new BlockAccessor(m.Name, m.Accessibility, "global::" + (m.Kind == LayerKind.ConvBnRelu ? KnownNames.ConvBnRelu : KnownNames.ConvBn))).ToEquatableArray(),
        declaration.Diagnostics);
}
