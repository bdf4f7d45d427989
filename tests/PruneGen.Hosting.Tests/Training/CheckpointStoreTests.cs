using PruneGen.Training.Checkpoints;

namespace PruneGen.Hosting.Tests.Training;

public sealed class CheckpointStoreTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("prunegen-ckpt-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static Action<string> Files(string content) => folder =>
    {
        File.WriteAllText(Path.Combine(folder, "a.txt"), content);
        File.WriteAllText(Path.Combine(folder, "b.bin"), content + content);
    };

    private static string? ReadA(CheckpointInfo c) => File.ReadAllText(Path.Combine(c.Path, "a.txt"));

    [Fact]
    public void Saves_are_listed_newest_first_and_only_the_last_ones_are_kept()
    {
        var store = new CheckpointStore(_root, keep: 2);
        store.Save(5, Files("five"));
        store.Save(10, Files("ten"));
        store.Save(15, Files("fifteen"));
        Assert.Equal([15L, 10L], store.List().Select(c => c.Step));
        Assert.All(store.List(), c => Assert.Null(CheckpointStore.Verify(c)));
        Assert.Equal("fifteen", store.LoadLatest(ReadA)!.Value.Value);
    }

    [Fact]
    public void A_save_that_fails_half_way_leaves_nothing_visible_and_the_previous_intact()
    {
        var store = new CheckpointStore(_root);
        store.Save(1, Files("one"));
        Assert.Throws<IOException>(() => store.Save(2, folder =>
        {
            File.WriteAllText(Path.Combine(folder, "a.txt"), "partial");
            throw new IOException("disk full");
        }));
        Assert.Equal([1L], store.List().Select(c => c.Step));
        Assert.Equal(["step-0000000001"], Directory.GetDirectories(_root).Select(Path.GetFileName));
        Assert.Equal("one", store.LoadLatest(ReadA)!.Value.Value);
    }

    [Fact]
    public void A_folder_left_by_a_killed_save_is_ignored_and_cleaned_up()
    {
        var store = new CheckpointStore(_root);
        store.Save(1, Files("one"));
        // What a SIGKILL during a save leaves: a temporary folder with some files and no manifest.
        string partial = Path.Combine(_root, ".partial-deadbeef");
        Directory.CreateDirectory(partial);
        File.WriteAllText(Path.Combine(partial, "a.txt"), "half");
        Assert.Equal([1L], store.List().Select(c => c.Step));
        store.Save(2, Files("two"));
        Assert.False(Directory.Exists(partial));
    }

    [Theory]
    [InlineData("truncate")]
    [InlineData("flip")]
    [InlineData("delete-file")]
    [InlineData("delete-manifest")]
    [InlineData("garble-manifest")]
    public void Corrupt_latest_is_reported_and_the_previous_one_loaded(string damage)
    {
        var store = new CheckpointStore(_root);
        store.Save(1, Files("one"));
        CheckpointInfo latest = store.Save(2, Files("two"));
        string b = Path.Combine(latest.Path, "b.bin"), manifest = Path.Combine(latest.Path, CheckpointStore.ManifestFile);
        switch (damage)
        {
            case "truncate": File.WriteAllText(b, "tw"); break;
            case "flip": File.WriteAllText(b, "twotwO"); break;
            case "delete-file": File.Delete(b); break;
            case "delete-manifest": File.Delete(manifest); break;
            case "garble-manifest": File.WriteAllText(manifest, "{ not json"); break;
        }
        var loaded = store.LoadLatest(ReadA)!.Value;
        Assert.Equal("one", loaded.Value);
        Assert.Equal(1, loaded.Checkpoint.Step);
        CorruptCheckpoint skipped = Assert.Single(loaded.Skipped);
        Assert.Equal(2, skipped.Checkpoint.Step);
        Assert.NotEmpty(skipped.Reason);
    }

    [Fact]
    public void A_reader_that_rejects_the_content_also_falls_back()
    {
        var store = new CheckpointStore(_root);
        store.Save(1, Files("one"));
        store.Save(2, Files("two"));
        var loaded = store.LoadLatest(c => ReadA(c) == "two" ? throw new FormatException("bad version") : ReadA(c))!.Value;
        Assert.Equal("one", loaded.Value);
        Assert.Equal("bad version", Assert.Single(loaded.Skipped).Reason);
    }

    [Fact]
    public void Nothing_usable_gives_null()
    {
        var store = new CheckpointStore(_root);
        Assert.Null(store.LoadLatest(ReadA));
        CheckpointInfo only = store.Save(3, Files("x"));
        File.Delete(Path.Combine(only.Path, CheckpointStore.ManifestFile));
        Assert.Null(store.LoadLatest(ReadA));
    }

    [Fact]
    public void Saving_the_same_step_again_replaces_it()
    {
        var store = new CheckpointStore(_root);
        store.Save(4, Files("first"));
        store.Save(4, Files("second"));
        Assert.Single(store.List());
        Assert.Equal("second", store.LoadLatest(ReadA)!.Value.Value);
    }
}
