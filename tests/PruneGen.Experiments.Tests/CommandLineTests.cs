namespace PruneGen.Experiments.Tests;

/// <summary>What the generated catalog and entry point expose, checked through the real program.</summary>
public sealed class CommandLineTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public void List_shows_the_declared_experiments_and_their_network()
    {
        ExperimentsProgram.Result result = ExperimentsProgram.Run(Timeout, "list");
        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"resnet20-dense +ResNet20 / dense on fashion-mnist, 6 epochs", result.Output);
        Assert.Matches(@"resnet20-smoke +ResNet20 / dense on synthetic-1x28x28", result.Output);
        // Every baseline shares the dense experiment's epoch budget.
        foreach (string baseline in new[] { "uniform", "l1", "bnscale", "taylor", "random" })
            Assert.Matches($@"resnet20-{baseline} +ResNet20 / [a-z0-9-]+ on fashion-mnist, 6 epochs", result.Output);
        Assert.Contains("Networks: ResNet20", result.Output);
    }

    [Fact]
    public void An_out_of_range_setting_is_rejected_with_the_key_and_its_range()
    {
        string dir = Path.Combine(Path.GetTempPath(), "prunegen-never-created-" + Guid.NewGuid().ToString("N"));
        ExperimentsProgram.Result result = ExperimentsProgram.Run(Timeout, "run", "resnet20-smoke", "--out", dir, "--set", "batch_size=0");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("batch_size", result.Error);
        Assert.False(Directory.Exists(dir));
    }

    [Fact]
    public void Summary_prints_the_generated_network_table()
    {
        ExperimentsProgram.Result result = ExperimentsProgram.Run(Timeout, "summary", "ResNet20");
        Assert.Equal(0, result.ExitCode);
        // ResNet-20's MAC count as the zoo documents it (31,021,952), printed by the generated cost model.
        Assert.Contains("ResNet20: 31,021,952 MACs, 272,186 parameters", result.Output);
        Assert.Contains("stage3.2.conv2", result.Output);
    }

    [Fact]
    public void Profile_latency_measures_every_grid_entry_once_and_then_reuses_the_table()
    {
        string table = Path.Combine(Path.GetTempPath(), "prunegen-lut-" + Guid.NewGuid().ToString("N") + ".json");
        try
        {
            string[] args = ["profile-latency", "ResNet20", "--batch", "2", "--threads", "1", "--repeats", "1", "--out", table];
            ExperimentsProgram.Result first = ExperimentsProgram.Run(Timeout, args);
            Assert.Equal(0, first.ExitCode);
            Assert.Matches(@"latency table: (\d+) entries profiled in", first.Output);
            Assert.Matches(@"profile-latency ResNet20: \d+ entries, batch 2, 1 threads, median of 1; took [0-9.]+ s", first.Output);
            Assert.True(File.Exists(table));

            ExperimentsProgram.Result second = ExperimentsProgram.Run(Timeout, args);
            Assert.Equal(0, second.ExitCode);
            Assert.Contains("latency table: reusing", second.Output);
        }
        finally
        {
            File.Delete(table);
        }
    }
}
