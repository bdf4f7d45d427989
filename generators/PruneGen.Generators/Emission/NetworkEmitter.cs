using PruneGen.Generators.Diagnostics;
using PruneGen.Generators.Model;

namespace PruneGen.Generators.Emission;

/// <summary>Turns a plan into the generated files (or into its diagnostics when it has errors).</summary>
internal static class NetworkEmitter
{
    public static GeneratorOutput Emit(NetworkPlan plan)
    {
        if (plan.HasErrors) return new GeneratorOutput(EquatableArray<GeneratedFile>.Empty, plan.Diagnostics);
        try
        {
            string prefix = plan.Type.HintPrefix;
            return new GeneratorOutput(new[]
            {
                new GeneratedFile(prefix + ".Widths.g.cs", WidthsEmitter.Emit(plan)),
                new GeneratedFile(prefix + ".Module.g.cs", ModuleEmitter.Emit(plan)),
                new GeneratedFile(prefix + ".Structure.g.cs", StructureEmitter.Emit(plan)),
                new GeneratedFile(prefix + ".Costs.g.cs", CostEmitter.Emit(plan)),
            }, EquatableArray<DiagnosticInfo>.Empty);
        }
        catch (System.Exception e)
        {
            return Failed(plan.Type, e);
        }
    }

    public static GeneratorOutput Emit(BlockClassPlan plan)
    {
        if (plan.Diagnostics.Count > 0) return new GeneratorOutput(EquatableArray<GeneratedFile>.Empty, plan.Diagnostics);
        try
        {
            return new GeneratorOutput(new[] { new GeneratedFile(plan.Type.HintPrefix + ".Block.g.cs", BlockEmitter.Emit(plan)) },
                EquatableArray<DiagnosticInfo>.Empty);
        }
        catch (System.Exception e)
        {
            return Failed(plan.Type, e);
        }
    }

    private static GeneratorOutput Failed(TypeDeclaration type, System.Exception e) => new(EquatableArray<GeneratedFile>.Empty,
        new[] { DiagnosticInfo.Create(DiagnosticDescriptors.InternalError, type.Location, type.Name, e.GetType().Name + ": " + e.Message) });
}
