using System.Globalization;
using PruneGen.Structure;

namespace PruneGen.Training.Checkpoints;

/// <summary>
/// A trained network to start a run from instead of training one: a final model saved by
/// <see cref="Checkpoint.Save"/> (safetensors + widths sidecar), typically the <c>model/</c> of a
/// finished dense run.
/// </summary>
/// <param name="Source">What the user named (e.g. the dense run's folder); every error message names it.</param>
/// <param name="ModelPath">The safetensors file; its widths sidecar lies next to it.</param>
public sealed record DenseStart(string Source, string ModelPath)
{
    /// <summary>
    /// Loads the weights into <paramref name="network"/> (in place, so an optimizer built over it stays
    /// valid). The saved model must be of the same network at exactly the same widths and blocks.
    /// </summary>
    /// <exception cref="FileNotFoundException">The model or its sidecar is missing (an unfinished run).</exception>
    /// <exception cref="InvalidDataException">The saved network, widths or tensors do not match.</exception>
    public void LoadInto(TrainableNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        string sidecarPath = WidthsSidecar.PathFor(ModelPath);
        if (!Directory.Exists(Source) && !File.Exists(ModelPath))
            throw new DirectoryNotFoundException($"dense_run '{Source}' does not exist (give the folder of a finished dense run)");
        if (!File.Exists(ModelPath) || !File.Exists(sidecarPath))
            throw new FileNotFoundException(
                $"dense_run '{Source}' is incomplete: {(File.Exists(ModelPath) ? $"the widths sidecar '{sidecarPath}'" : $"the final model '{ModelPath}'")} does not exist (a run writes its final model when it completes)",
                File.Exists(ModelPath) ? sidecarPath : ModelPath);

        WidthsSidecar saved;
        try
        {
            saved = WidthsSidecar.Load(sidecarPath);
        }
        catch (FormatException e)
        {
            throw new InvalidDataException($"dense_run '{Source}': {e.Message}", e);
        }
        IReadOnlyList<string> differences = Differences(saved, network.Widths);
        if (differences.Count > 0)
            throw new InvalidDataException($"dense_run '{Source}' does not hold this run's network ({network.Name} at its declared widths): {string.Join("; ", differences)}");
        try
        {
            Checkpoint.LoadWeights(network.Module, ModelPath);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"dense_run '{Source}': {e.Message}", e);
        }
    }

    private static List<string> Differences(WidthsSidecar saved, WidthsSidecar wanted)
    {
        var differences = new List<string>();
        if (saved.Network != wanted.Network) differences.Add($"it holds {saved.Network}, not {wanted.Network}");
        foreach ((string group, int width) in wanted.Widths)
            if (!saved.Widths.TryGetValue(group, out int have)) differences.Add($"width \"{group}\" is missing");
            else if (have != width) differences.Add(string.Create(CultureInfo.InvariantCulture, $"{group} has width {have}, expected {width}"));
        differences.AddRange(saved.Widths.Keys.Where(g => !wanted.Widths.ContainsKey(g)).Select(g => $"width \"{g}\" is not a group of {wanted.Network}"));
        foreach ((string block, bool kept) in wanted.Blocks)
            if (!saved.Blocks.TryGetValue(block, out bool have)) differences.Add($"block flag \"{block}\" is missing");
            else if (have != kept) differences.Add($"block {block} is {(have ? "kept" : "removed")}, expected {(kept ? "kept" : "removed")}");
        differences.AddRange(saved.Blocks.Keys.Where(b => !wanted.Blocks.ContainsKey(b)).Select(b => $"block flag \"{b}\" is not a removable block of {wanted.Network}"));
        return differences;
    }
}
