namespace PruneGen.Torch.Serialization;

/// <summary>A safetensors file that is malformed or that PruneGen.Torch cannot represent (an I/O error: the file, not the call, is wrong).</summary>
public sealed class SafetensorsFormatException : IOException
{
    public SafetensorsFormatException(string path, string? entry, string problem)
        : base(entry is null
            ? $"invalid safetensors file '{path}': {problem}"
            : $"invalid safetensors file '{path}', entry '{entry}': {problem}")
    {
        FilePath = path;
        Entry = entry;
        Problem = problem;
    }

    /// <summary>The file that was read.</summary>
    public string FilePath { get; }

    /// <summary>The header entry at fault (a tensor name or "__metadata__"), or null for the file as a whole.</summary>
    public string? Entry { get; }

    /// <summary>What is wrong, without the file and entry.</summary>
    public string Problem { get; }
}
