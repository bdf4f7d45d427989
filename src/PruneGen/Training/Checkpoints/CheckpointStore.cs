using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PruneGen.Training.Checkpoints;

/// <summary>One checkpoint folder on disk.</summary>
/// <param name="Path">The folder, e.g. <c>run/checkpoints/step-0000000120</c>.</param>
/// <param name="Step">The global optimizer step it was taken after.</param>
public sealed record CheckpointInfo(string Path, long Step);

/// <summary>A checkpoint that failed verification and was skipped.</summary>
public sealed record CorruptCheckpoint(CheckpointInfo Checkpoint, string Reason);

/// <summary>
/// Checkpoint folders under one directory, written atomically and verified on load.
/// <para>
/// Saving writes every file into a hidden temporary folder, flushes them to disk, writes
/// <c>manifest.json</c> (size and SHA-256 of every file) last, and renames the folder into place: a
/// reader sees a complete checkpoint or none, even if the process is killed mid-write. The newest
/// <see cref="Keep"/> checkpoints are kept, so when the latest turns out corrupt (a bad disk, a file
/// edited by hand) the previous one is used and the problem is reported.
/// </para>
/// </summary>
public sealed class CheckpointStore
{
    public const string ManifestFile = "manifest.json";
    private const string Prefix = "step-";
    private const string TemporaryPrefix = ".partial-";

    public CheckpointStore(string directory, int keep = 2)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (keep < 1) throw new ArgumentOutOfRangeException(nameof(keep), keep, "keep at least one checkpoint");
        Directory = System.IO.Path.GetFullPath(directory);
        Keep = keep;
    }

    public string Directory { get; }
    public int Keep { get; }

    /// <summary>
    /// Writes a checkpoint for <paramref name="step"/>: <paramref name="writeFiles"/> fills the folder it
    /// is given. A checkpoint of the same step that already exists is replaced.
    /// </summary>
    public CheckpointInfo Save(long step, Action<string> writeFiles)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        System.IO.Directory.CreateDirectory(Directory);
        RemoveLeftovers();
        string temporary = System.IO.Path.Combine(Directory, TemporaryPrefix + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(temporary);
        try
        {
            writeFiles(temporary);
            WriteManifest(temporary, step);
            string final = System.IO.Path.Combine(Directory, NameOf(step));
            if (System.IO.Directory.Exists(final))
            {
                // Same step saved again (e.g. Ctrl-C right after an epoch checkpoint): swap it out.
                string old = System.IO.Path.Combine(Directory, TemporaryPrefix + "old-" + Guid.NewGuid().ToString("N"));
                System.IO.Directory.Move(final, old);
                System.IO.Directory.Move(temporary, final);
                System.IO.Directory.Delete(old, recursive: true);
            }
            else
            {
                System.IO.Directory.Move(temporary, final);
            }
            Prune();
            return new CheckpointInfo(final, step);
        }
        catch
        {
            if (System.IO.Directory.Exists(temporary)) System.IO.Directory.Delete(temporary, recursive: true);
            throw;
        }
    }

    /// <summary>Completed checkpoint folders, newest first (unverified).</summary>
    public IReadOnlyList<CheckpointInfo> List()
    {
        if (!System.IO.Directory.Exists(Directory)) return [];
        var found = new List<CheckpointInfo>();
        foreach (string path in System.IO.Directory.EnumerateDirectories(Directory, Prefix + "*"))
        {
            string name = System.IO.Path.GetFileName(path);
            if (long.TryParse(name.AsSpan(Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out long step))
                found.Add(new CheckpointInfo(path, step));
        }
        return found.OrderByDescending(c => c.Step).ToList();
    }

    /// <summary>
    /// Loads the newest checkpoint that verifies and that <paramref name="read"/> accepts (an exception
    /// from it marks the checkpoint corrupt too). Every skipped checkpoint is returned with its reason.
    /// Returns null when no checkpoint is usable.
    /// </summary>
    public (T Value, CheckpointInfo Checkpoint, IReadOnlyList<CorruptCheckpoint> Skipped)? LoadLatest<T>(Func<CheckpointInfo, T> read)
    {
        var skipped = new List<CorruptCheckpoint>();
        foreach (CheckpointInfo checkpoint in List())
        {
            string? problem = Verify(checkpoint);
            if (problem is null)
            {
                try
                {
                    return (read(checkpoint), checkpoint, skipped);
                }
                catch (Exception e) when (e is IOException or FormatException or JsonException or InvalidDataException or ArgumentException or InvalidOperationException)
                {
                    problem = e.Message;
                }
            }
            skipped.Add(new CorruptCheckpoint(checkpoint, problem));
        }
        return null;
    }

    /// <summary>Checks the manifest and every file's size and SHA-256; null when the checkpoint is intact.</summary>
    public static string? Verify(CheckpointInfo checkpoint)
    {
        string manifestPath = System.IO.Path.Combine(checkpoint.Path, ManifestFile);
        if (!File.Exists(manifestPath)) return $"{ManifestFile} is missing";
        JsonNode? manifest;
        try
        {
            manifest = JsonNode.Parse(File.ReadAllText(manifestPath));
        }
        catch (JsonException e)
        {
            return $"{ManifestFile} is not valid JSON: {e.Message}";
        }
        if (manifest?["files"] is not JsonObject files) return $"{ManifestFile} lists no files";
        if (manifest["step"]?.GetValue<long>() != checkpoint.Step) return $"{ManifestFile} belongs to another step";
        foreach ((string name, JsonNode? entry) in files)
        {
            string path = System.IO.Path.Combine(checkpoint.Path, name);
            if (!File.Exists(path)) return $"'{name}' is missing";
            long expectedBytes = entry?["bytes"]?.GetValue<long>() ?? -1;
            long actualBytes = new FileInfo(path).Length;
            if (actualBytes != expectedBytes) return $"'{name}' has {actualBytes} bytes, the manifest says {expectedBytes}";
            if (!string.Equals(Sha256(path), entry?["sha256"]?.GetValue<string>(), StringComparison.OrdinalIgnoreCase))
                return $"'{name}' does not match its SHA-256 in the manifest";
        }
        return null;
    }

    private static void WriteManifest(string folder, long step)
    {
        var files = new JsonObject();
        foreach (string path in System.IO.Directory.EnumerateFiles(folder).Order(StringComparer.Ordinal))
        {
            string name = System.IO.Path.GetFileName(path);
            FlushToDisk(path);
            files[name] = new JsonObject { ["bytes"] = new FileInfo(path).Length, ["sha256"] = Sha256(path) };
        }
        var manifest = new JsonObject { ["format"] = 1, ["step"] = step, ["files"] = files };
        string manifestPath = System.IO.Path.Combine(folder, ManifestFile);
        File.WriteAllText(manifestPath, manifest.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        FlushToDisk(manifestPath);
    }

    // The data must be on disk before the rename publishes the folder.
    private static void FlushToDisk(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
        stream.Flush(flushToDisk: true);
    }

    private static string Sha256(string path)
    {
        using FileStream stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    private void Prune()
    {
        foreach (CheckpointInfo old in List().Skip(Keep))
            System.IO.Directory.Delete(old.Path, recursive: true);
    }

    // Folders of saves that were killed half-way; never visible as checkpoints.
    private void RemoveLeftovers()
    {
        foreach (string path in System.IO.Directory.EnumerateDirectories(Directory, TemporaryPrefix + "*"))
        {
            try { System.IO.Directory.Delete(path, recursive: true); }
            catch (IOException) { /* another process may still be writing it; leave it */ }
        }
    }

    public static string NameOf(long step) => Prefix + step.ToString("D10", CultureInfo.InvariantCulture);
}
