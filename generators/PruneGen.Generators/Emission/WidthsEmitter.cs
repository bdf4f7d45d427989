using System.Linq;
using PruneGen.Generators.Model;
using static PruneGen.Generators.Emission.Emit;

namespace PruneGen.Generators.Emission;

/// <summary>Emits the nested <c>Widths</c> record struct: one member per prunable group, one flag per removable block.</summary>
internal static class WidthsEmitter
{
    public static string Emit(NetworkPlan plan)
    {
        var w = new IndentedWriter();
        string name = plan.Type.Name;
        GroupPlan[] groups = plan.PrunableGroups;
        BlockPlan[] blocks = plan.RemovableBlocks;
        using (Begin(w, plan.Type, "widths"))
        using (w.Block("partial class " + name))
        {
            w.Line("/// <summary>");
            w.Line($"/// The search-space coordinates of <see cref=\"{name}\"/>: the width of every prunable channel group and");
            w.Line("/// whether each removable block is kept. <see cref=\"Full\"/> is the unpruned network.");
            w.Line("/// </summary>");
            using (w.Block("public readonly record struct Widths"))
            {
                foreach (GroupPlan g in groups)
                {
                    string members = string.Join(", ", g.Producers.Select(p => plan.Layers[p].Path));
                    w.Line($"/// <summary>Channel group '{g.Name}'{(g.IsStream ? " (residual stream)" : "")}, written by {members}: full {Num(g.Size)}, step {Num(g.Step)}, min {Num(g.Min)}.</summary>");
                    w.Line($"public int {g.Name} {{ get; init; }}");
                    w.Line();
                }
                foreach (BlockPlan b in blocks)
                {
                    w.Line($"/// <summary>Whether block {b.Path} is kept (false: only its shortcut remains).</summary>");
                    w.Line($"public bool {b.FlagName} {{ get; init; }}");
                    w.Line();
                }

                w.Line("/// <summary>Every group at full width, every block kept.</summary>");
                w.Line("public static Widths Full => new Widths");
                w.Line("{");
                w.Indent();
                foreach (GroupPlan g in groups) w.Line($"{g.Name} = {Num(g.Size)},");
                foreach (BlockPlan b in blocks) w.Line($"{b.FlagName} = true,");
                w.Unindent();
                w.Line("};");
                w.Line();

                w.Line("/// <summary>Messages for every member outside the search space (multiples of the step between the minimum and the full width); empty when valid.</summary>");
                using (w.Block($"public {Collections}List<string> Errors()"))
                {
                    w.Line($"var errors = new {Collections}List<string>();");
                    foreach (GroupPlan g in groups)
                    {
                        w.Line($"if ({g.Name} < {Num(g.Min)} || {g.Name} > {Num(g.Size)} || {g.Name} % {Num(g.Step)} != 0)");
                        w.Line($"    errors.Add(\"{g.Name} = \" + {g.Name}.ToString(global::System.Globalization.CultureInfo.InvariantCulture) + \" is outside the search space: a multiple of {Num(g.Step)} from {Num(g.Min)} to {Num(g.Size)}\");");
                    }
                    w.Line("return errors;");
                }
                w.Line();
                w.Line("/// <summary>Throws an <see cref=\"global::System.ArgumentException\"/> naming every member outside the search space.</summary>");
                using (w.Block("public void Validate()"))
                {
                    w.Line("var errors = Errors();");
                    w.Line("if (errors.Count > 0)");
                    w.Line($"    throw new global::System.ArgumentException(\"invalid {name}.Widths: \" + string.Join(\"; \", errors));");
                }
                w.Line();
                w.Line("/// <summary>");
                w.Line("/// Throws unless every width is between 1 and its full width, the condition for building a network.");
                w.Line("/// Looser than <see cref=\"Validate\"/>: unit-level pruning reaches widths off the step grid.");
                w.Line("/// </summary>");
                using (w.Block("public void ValidateBounds()"))
                {
                    foreach (GroupPlan g in groups)
                    {
                        w.Line($"if ({g.Name} < 1 || {g.Name} > {Num(g.Size)})");
                        w.Line($"    throw new global::System.ArgumentOutOfRangeException(nameof({g.Name}), {g.Name}, \"{name}.Widths.{g.Name} must be between 1 and {Num(g.Size)}\");");
                    }
                }
                w.Line();

                w.Line($"/// <summary>The width of every channel group, indexed like <see cref=\"{name}.Structure\"/>'s groups (fixed groups at full width).</summary>");
                w.Line("public int[] ToGroupWidths() => new int[] { " + string.Join(", ", plan.Groups.Select(g => Width(g, "this"))) + " };");
                w.Line();
                w.Line($"/// <summary>Whether each block is kept, indexed like <see cref=\"{name}.Structure\"/>'s blocks (non-removable blocks: true).</summary>");
                w.Line("public bool[] ToBlockFlags() => new bool[] { " + string.Join(", ", plan.Blocks.Select(b => b.Removable ? "this." + b.FlagName : "true")) + " };");
                w.Line();

                w.Line("/// <summary>The inverse of <see cref=\"ToGroupWidths\"/> and <see cref=\"ToBlockFlags\"/>; fixed groups must be at full width and non-removable blocks kept.</summary>");
                using (w.Block($"public static Widths FromGroupWidths({Collections}IReadOnlyList<int> groupWidths, {Collections}IReadOnlyList<bool> blocksKept)"))
                {
                    w.Line("if (groupWidths is null) throw new global::System.ArgumentNullException(nameof(groupWidths));");
                    w.Line("if (blocksKept is null) throw new global::System.ArgumentNullException(nameof(blocksKept));");
                    w.Line($"if (groupWidths.Count != {Num(plan.Groups.Count)}) throw new global::System.ArgumentException(\"{name} has {Num(plan.Groups.Count)} channel groups\", nameof(groupWidths));");
                    w.Line($"if (blocksKept.Count != {Num(plan.Blocks.Count)}) throw new global::System.ArgumentException(\"{name} has {Num(plan.Blocks.Count)} blocks\", nameof(blocksKept));");
                    foreach (GroupPlan g in plan.Groups.Where(g => !g.Prunable))
                        w.Line($"if (groupWidths[{Num(g.Index)}] != {Num(g.Size)}) throw new global::System.ArgumentException(\"channel group '{g.Name}' is not prunable and must stay at {Num(g.Size)}\", nameof(groupWidths));");
                    foreach (BlockPlan b in plan.Blocks.Where(b => !b.Removable))
                        w.Line($"if (!blocksKept[{Num(b.Index)}]) throw new global::System.ArgumentException(\"block {b.Path} is not removable\", nameof(blocksKept));");
                    w.Line("return new Widths");
                    w.Line("{");
                    w.Indent();
                    foreach (GroupPlan g in groups) w.Line($"{g.Name} = groupWidths[{Num(g.Index)}],");
                    foreach (BlockPlan b in blocks) w.Line($"{b.FlagName} = blocksKept[{Num(b.Index)}],");
                    w.Unindent();
                    w.Line("};");
                }
                w.Line();

                w.Line("/// <summary>The sidecar saved next to a checkpoint.</summary>");
                using (w.Block($"public {S}WidthsSidecar ToSidecar()"))
                {
                    w.Line($"var widths = new {Collections}Dictionary<string, int>();");
                    foreach (GroupPlan g in groups) w.Line($"widths[\"{g.Name}\"] = {g.Name};");
                    w.Line($"var blocks = new {Collections}Dictionary<string, bool>();");
                    foreach (BlockPlan b in blocks) w.Line($"blocks[\"{b.FlagName}\"] = {b.FlagName};");
                    w.Line($"return new {S}WidthsSidecar(\"{name}\", widths, blocks);");
                }
                w.Line();
                w.Line("/// <summary>Reads widths back from a sidecar; every member must be present and no unknown one may appear.</summary>");
                using (w.Block($"public static Widths FromSidecar({S}WidthsSidecar sidecar)"))
                {
                    w.Line("if (sidecar is null) throw new global::System.ArgumentNullException(nameof(sidecar));");
                    w.Line($"if (sidecar.Network != \"{name}\") throw new global::System.FormatException(\"the sidecar describes network '\" + sidecar.Network + \"', not {name}\");");
                    w.Line($"string[] groupNames = {{ {string.Join(", ", groups.Select(g => Naming.Literal(g.Name)))} }};");
                    w.Line($"string[] blockNames = {{ {string.Join(", ", blocks.Select(b => Naming.Literal(b.FlagName)))} }};");
                    w.Line("sidecar.RequireExactly(groupNames, blockNames);");
                    w.Line("return new Widths");
                    w.Line("{");
                    w.Indent();
                    foreach (GroupPlan g in groups) w.Line($"{g.Name} = sidecar.Widths[\"{g.Name}\"],");
                    foreach (BlockPlan b in blocks) w.Line($"{b.FlagName} = sidecar.Blocks[\"{b.FlagName}\"],");
                    w.Unindent();
                    w.Line("};");
                }
            }
        }
        return w.ToString();
    }
}
