using System.Globalization;
using System.Text;

namespace PruneGen.Structure;

/// <summary>A readable per-layer table of a network at given widths: channels, kernel/stride, output size, MACs, parameters.</summary>
public static class StructureSummary
{
    public static string Render(NetworkStructure structure, IReadOnlyList<int> groupWidths, IReadOnlyList<bool> blocksKept)
    {
        CostModel.CheckLengths(structure, groupWidths, blocksKept);
        var rows = new List<string[]> { new[] { "layer", "kind", "in", "out", "k/s", "output", "MACs", "params" } };
        long totalMacs = 0, totalParams = 0;
        foreach (LayerInfo layer in structure.Layers)
        {
            if (!CostModel.IsPresent(layer, blocksKept))
            {
                if (structure.Blocks[layer.Block].Layers[0] == layer.Index)
                    rows.Add(new[] { structure.Blocks[layer.Block].Name, "(removed block)", "", "", "", "", "0", "0" });
                continue;
            }
            int inWidth = groupWidths[layer.InputGroup], outWidth = groupWidths[layer.OutputGroup];
            long macs = CostModel.LayerMacs(layer, inWidth, outWidth), parameters = CostModel.LayerParams(layer, inWidth, outWidth);
            totalMacs += macs;
            totalParams += parameters;
            string kind = layer.Kind == LayerKind.Linear ? "linear" : layer.Depthwise ? "dwconv" : layer.IsProjection ? "proj" : "conv";
            rows.Add(new[]
            {
                layer.Name, kind, Width(structure, layer.InputGroup, inWidth), Width(structure, layer.OutputGroup, outWidth),
                layer.Kind == LayerKind.Linear ? "" : $"{layer.Kernel}/{layer.Stride}",
                layer.Kind == LayerKind.Linear ? "" : $"{layer.OutputSize}x{layer.OutputSize}",
                N(macs), N(parameters),
            });
        }
        rows.Add(new[] { "total", "", "", "", "", "", N(totalMacs), N(totalParams) });

        int[] widths = Enumerable.Range(0, rows[0].Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
        var text = new StringBuilder();
        text.Append(structure.Name).Append(": ").Append(N(totalMacs)).Append(" MACs, ").Append(N(totalParams)).Append(" parameters\n");
        for (int r = 0; r < rows.Count; r++)
        {
            if (r == rows.Count - 1 || r == 1) text.Append(new string('-', widths.Sum() + 2 * (widths.Length - 1))).Append('\n');
            for (int c = 0; c < widths.Length; c++)
            {
                bool numeric = c >= 2 && r > 0 && c != 4 && c != 5;
                string cell = numeric ? rows[r][c].PadLeft(widths[c]) : rows[r][c].PadRight(widths[c]);
                text.Append(cell);
                if (c < widths.Length - 1) text.Append("  ");
            }
            text.Append('\n');
        }
        return text.ToString();
    }

    private static string Width(NetworkStructure structure, int group, int width)
    {
        GroupInfo info = structure.Groups[group];
        return width == info.Size ? width.ToString(CultureInfo.InvariantCulture) : $"{width}/{info.Size}";
    }

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
