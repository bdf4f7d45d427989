namespace PruneGen.Data;

/// <summary>An IDX file is truncated, corrupt or not of the expected kind. The message names the file.</summary>
public sealed class IdxFormatException : IOException
{
    public IdxFormatException(string filePath, string problem, Exception? inner = null)
        : base($"IDX file '{filePath}': {problem}", inner)
    {
        FilePath = filePath;
        Problem = problem;
    }

    /// <summary>The file (or stream name) that was being read.</summary>
    public string FilePath { get; }

    /// <summary>What is wrong, without the file name.</summary>
    public string Problem { get; }
}
