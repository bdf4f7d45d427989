using System.Text.Json.Nodes;
using PruneGen.Data;
using PruneGen.Methods.Emo;
using PruneGen.Tests.Networks;
using PruneGen.Training;
using Xunit.Abstractions;
using static PruneGen.Torch.torch;

namespace PruneGen.Tests.Emo;

/// <summary>EMO as a training method on a small inverted-residual network and synthetic images, both searches.</summary>
[Collection(TorchGlobalState.Name)]
public sealed class EmoPruningTests(ITestOutputHelper output)
{
    private static (DataLoader Train, DataLoader Test) Data()
    {
        ImageDataset train = SyntheticImages.Create(seed: 11, count: 256, classes: 5, channels: 1, size: 16);
        ImageDataset test = SyntheticImages.Create(seed: 11, count: 64, classes: 5, channels: 1, size: 16, split: SyntheticSplit.Test);
        return (new DataLoader(train, new DataLoaderOptions { BatchSize = 32, Seed = 3 }), new DataLoader(test, new DataLoaderOptions { BatchSize = 64, Shuffle = false }));
    }

    private static TrainingOutcome Train(EmoOptions options, int epochs = 2)
    {
        (DataLoader train, DataLoader test) = Data();
        manual_seed(5);
        var trainer = new Trainer(new TrainerSettings { Epochs = epochs, LearningRate = 0.05 },
            _ => { var n = new TinyMobileNet(); return TrainableNetwork.FromPrunable(n, n.CurrentWidths.ToSidecar()); }, new EmoPruning(options), train, test);
        return trainer.Run();
    }

    /// <summary>The search's facts of a run whose network is not needed (disposed at once).</summary>
    private static JsonObject SearchFacts(EmoOptions options)
    {
        TrainingOutcome outcome = Train(options);
        outcome.Network.Dispose();
        return outcome.Facts[EmoPruning.SearchFact]!.AsObject();
    }

    private static readonly EmoOptions Small = new()
    {
        PruneEpoch = 1, MacsReduction = 0.3, Population = 6, Generations = 3, CalibrationImages = 96, HoldoutImages = 96, CalibrationBatch = 48,
        DetectorSteps = 50, Constraint = new ConstraintTrainingOptions { Steps = 6 }, HypervolumeEvery = 1, HypervolumePoints = 4, Seed = 2,
    };

    [Fact]
    public void DivideAndConquerPrunesToRStarAndRecordsTheSearch()
    {
        TrainingOutcome outcome = Train(Small);
        using TrainableNetwork network = outcome.Network;
        JsonObject facts = outcome.Facts[EmoPruning.SearchFact]!.AsObject();
        var split = SubNetworkSplit.Of(TinyMobileNet.Structure);

        Assert.Equal("divide_and_conquer", facts["search"]!.GetValue<string>());
        Assert.True(facts["reached"]!.GetValue<bool>());
        Assert.True(network.Macs <= 0.7 * split.FullMacs, $"{network.Macs} MACs keep more than 70% of {split.FullMacs}");
        Assert.Equal(network.Macs, facts["macs"]!.GetValue<long>());
        Assert.Equal(split.Parts.Count * (1 + 6 * 4), facts["evaluations"]!.GetValue<long>());
        Assert.Equal(4, facts["hv_curve"]!.AsArray().Count); // generations 0..3
        AssertBothScorings(facts);
        // Its candidates are already its choices at the R* grid, so the curve of choices is the curve.
        Assert.Equal(facts["hv_curve"]!.ToJsonString(), facts["hv_curve_choices"]!.ToJsonString());
        Assert.True(facts["gpir"]!["total_impairment"]!.GetValue<double>() <= facts["gpir"]!["uniform_total_impairment"]!.GetValue<double>() + 1e-12);
        JsonObject constraint = facts["constraint_training"]!.AsObject();
        Assert.True(constraint["enabled"]!.GetValue<bool>());
        Assert.False(facts["chosen_network"]!["batch_norm_reestimated"]!.GetValue<bool>()); // METHODS.md: constraint training alone
        Assert.All(constraint["parts"]!.AsArray(), p => Assert.True(p!["loss_after"]!.GetValue<double>() <= p["loss_before"]!.GetValue<double>()));
        Assert.True(outcome.Metrics[0].Values.ContainsKey("masked_test_accuracy_after_constraint"));
        Assert.True(outcome.Metrics[0]["emo_evaluations_per_second"] > 0);
        output.WriteLine($"divide and conquer: {facts["evaluations"]} evaluations, {facts["evaluations_per_second"]!.GetValue<double>():0.0}/s, " +
                         $"hv {facts["hv_final"]!.GetValue<double>():0.000}, {network.Macs:N0} of {split.FullMacs:N0} MACs, test accuracy {outcome.TestAccuracy:P1}");
    }

    [Fact]
    public void WholeNetworkBaselineSpendsTheSameEvaluationsAndMeetsRStar()
    {
        TrainingOutcome outcome = Train(Small with { Search = EmoSearchKind.WholeNetwork });
        using TrainableNetwork network = outcome.Network;
        JsonObject facts = outcome.Facts[EmoPruning.SearchFact]!.AsObject();
        var split = SubNetworkSplit.Of(TinyMobileNet.Structure);
        int k = split.Parts.Count;

        Assert.Equal("whole_network", facts["search"]!.GetValue<string>());
        Assert.Equal(k * 4 - 1, facts["generations"]!.GetValue<int>());
        Assert.Equal(1 + 6 * k * 4, facts["evaluations"]!.GetValue<long>()); // divide and conquer: k * (1 + 6 * 4)
        if (facts["reached"]!.GetValue<bool>()) Assert.True(network.Macs <= 0.7 * split.FullMacs);
        // Best-so-far hypervolume never falls as evaluations grow.
        // At divide and conquer's checkpoints (generations 0..3), i.e. after as many evaluations.
        double[] hv = facts["hv_curve"]!.AsArray().Select(p => p![1]!.GetValue<double>()).ToArray();
        Assert.Equal([1 + 6 * k, 1 + 6 * k * 2, 1 + 6 * k * 3, 1 + 6 * k * 4], facts["hv_curve"]!.AsArray().Select(p => p![0]!.GetValue<long>()));
        Assert.Equal("holdout", facts["hv_data"]!.GetValue<string>());
        Assert.Equal(96, facts["hv_images"]!.GetValue<long>());
        for (int i = 1; i < hv.Length; i++) Assert.True(hv[i] >= hv[i - 1] - 1e-12);
        // Its choices at the R* grid are some of its front members: at most hv_points + 1 per checkpoint,
        // the same checkpoints, never more hypervolume than the whole front's.
        double[] choices = facts["hv_curve_choices"]!.AsArray().Select(p => p![1]!.GetValue<double>()).ToArray();
        Assert.Equal(facts["hv_curve"]!.AsArray().Select(p => p![0]!.GetValue<long>()), facts["hv_curve_choices"]!.AsArray().Select(p => p![0]!.GetValue<long>()));
        for (int i = 0; i < hv.Length; i++) Assert.InRange(choices[i], 0.0, hv[i] + 1e-12);
        Assert.InRange(facts["hv_choices_networks"]!.GetValue<int>(), 1, Math.Min(hv.Length * (Small.HypervolumePoints + 1), facts["hv_networks"]!.GetValue<int>()));
        Assert.Equal(choices[^1], outcome.Metrics[0]["emo_hv_final_choices"]!.Value, 12);
        Assert.False(facts["constraint_training"]!["enabled"]!.GetValue<bool>());
        Assert.True(facts["chosen_network"]!["batch_norm_reestimated"]!.GetValue<bool>()); // as its candidates were for the curve
        AssertBothScorings(facts); // its candidates are repaired for the curve as divide and conquer's are
        JsonArray front = facts["whole_front"]!.AsArray();
        Assert.NotEmpty(front);
        Assert.All(front, p => Assert.InRange(p![1]!.GetValue<double>(), 0.0, 1.0));
    }

    [Fact]
    public void WithDenseTailScoringEverySubNetworkIsScoredByTheWholeNetworksClassifier()
    {
        JsonObject facts = SearchFacts(Small with { SubNetworkScoring = SubNetworkScoring.DenseTail, Generations = 1 });
        Assert.Equal("dense_tail", facts["sub_network_scoring"]!.GetValue<string>());
        // Unpruned, every sub-network's score is the dense network's calibration error: the whole-network search's reference.
        double dense = SearchFacts(Small with { Search = EmoSearchKind.WholeNetwork, Generations = 1 })["dense_error"]!.GetValue<double>();
        Assert.All(facts["parts"]!.AsArray(), p => Assert.Equal(dense, p!["dense_error"]!.GetValue<double>(), 12));
        Assert.Equal("detector", SearchFacts(Small with { Generations = 0 })["sub_network_scoring"]!.GetValue<string>());
    }

    [Fact]
    public void WithSearchBatchNormTheChosenNetworkKeepsTheStatisticsItWasJudgedWith()
    {
        // No epoch after the search: the network the run ends with is the one the search chose.
        TrainingOutcome outcome = Train(Small with { Search = EmoSearchKind.WholeNetwork, SearchBatchNorm = true }, epochs: 1);
        using TrainableNetwork network = outcome.Network;
        JsonObject facts = outcome.Facts[EmoPruning.SearchFact]!.AsObject();
        Assert.True(facts["search_batch_norm"]!.GetValue<bool>());

        // The calibration images as the method draws them; the search's error of its choice was measured on them.
        ImageDataset drawn = Data().Train.Dataset.Subset(Small.CalibrationImages + Small.HoldoutImages, Small.Seed);
        var calibration = new DataLoader(drawn.Select(Enumerable.Range(0, Small.CalibrationImages).ToArray(), "calibration"),
            new DataLoaderOptions { BatchSize = Small.CalibrationBatch, Shuffle = false });
        double error = 1 - Accuracy.Evaluate(network.Module, calibration).Accuracy;
        output.WriteLine($"chosen network: calibration error {error:P2} at the end, {facts["calibration_error"]!.GetValue<double>():P2} in the search");
        Assert.Equal(facts["calibration_error"]!.GetValue<double>(), error, 6);
    }

    [Theory]
    [InlineData(CandidateRepair.BatchNorm)]
    [InlineData(CandidateRepair.ConstraintTraining)]
    public void TheWholeNetworkSearchsChoiceIsRepairedAsItsCandidatesWere(CandidateRepair repair)
    {
        // No epoch after the search: the network the run ends with is the one the search chose, after its repair.
        TrainingOutcome outcome = Train(Small with { Search = EmoSearchKind.WholeNetwork, HypervolumeRepair = repair }, epochs: 1);
        using TrainableNetwork network = outcome.Network;
        JsonObject facts = outcome.Facts[EmoPruning.SearchFact]!.AsObject();
        bool reestimates = repair == CandidateRepair.BatchNorm;
        Assert.Equal(reestimates, facts["chosen_network"]!["batch_norm_reestimated"]!.GetValue<bool>());
        Assert.Equal(!reestimates, facts["constraint_training"]!["enabled"]!.GetValue<bool>());
        Assert.Equal(reestimates, outcome.Metrics[0].Values.ContainsKey("masked_test_accuracy_after_batch_norm"));

        // The held-out images as the method draws them: the scorer's repaired error of the choice was measured on them.
        ImageDataset drawn = Data().Train.Dataset.Subset(Small.CalibrationImages + Small.HoldoutImages, Small.Seed);
        var holdout = new DataLoader(drawn.Select(Enumerable.Range(Small.CalibrationImages, Small.HoldoutImages).ToArray(), "holdout"),
            new DataLoaderOptions { BatchSize = Small.CalibrationBatch, Shuffle = false });
        double error = 1 - Accuracy.Evaluate(network.Module, holdout).Accuracy;
        double repaired = facts["choice_error_repaired"]!.GetValue<double>(), masked = facts["choice_error"]!.GetValue<double>();
        output.WriteLine($"{repair}: chosen network's held-out error {error:P2} at the end; scored {repaired:P2} repaired, {masked:P2} as masked");
        Assert.Equal(repaired, error, 6);
    }

    /// <summary>The curve counts repaired candidates (BatchNorm re-estimated by default), with the untrained curve beside it at the same evaluations.</summary>
    private static void AssertBothScorings(JsonObject facts)
    {
        Assert.Equal("batch_norm", facts["hv_repair"]!.GetValue<string>());
        Assert.Equal(facts["hv_curve"]!.AsArray().Select(p => p![0]!.GetValue<long>()), facts["hv_curve_untrained"]!.AsArray().Select(p => p![0]!.GetValue<long>()));
        Assert.InRange(facts["hv_final_untrained"]!.GetValue<double>(), 0.0, 1.0);
        Assert.True(facts["hv_repair_seconds"]!.GetValue<double>() > 0);
        Assert.NotEmpty(facts["whole_front_untrained"]!.AsArray());
        // Each checkpoint's own candidates: the same checkpoints, never more than everything so far.
        foreach (string own in new[] { "hv_curve", "hv_curve_choices" })
        {
            JsonArray all = facts[own]!.AsArray(), atCheckpoint = facts[own + "_at_checkpoint"]!.AsArray();
            Assert.Equal(all.Select(p => p![0]!.GetValue<long>()), atCheckpoint.Select(p => p![0]!.GetValue<long>()));
            for (int i = 0; i < all.Count; i++) Assert.InRange(atCheckpoint[i]![1]!.GetValue<double>(), 0.0, all[i]![1]!.GetValue<double>() + 1e-12);
            Assert.Equal(all[0]![1]!.GetValue<double>(), atCheckpoint[0]![1]!.GetValue<double>(), 12); // nothing before the first
        }
    }

    [Fact]
    public void WithPrunedInputsOnlyTheSubNetworksAfterTheFirstAreScoredDifferently()
    {
        JsonObject plain = SearchFacts(Small with { Generations = 1 }), mixed = SearchFacts(Small with { SearchPrunedInputs = true, Generations = 1 });
        Assert.True(mixed["search_pruned_inputs"]!.GetValue<bool>());
        Assert.False(plain["search_pruned_inputs"]!.GetValue<bool>());
        JsonArray plainParts = plain["parts"]!.AsArray(), mixedParts = mixed["parts"]!.AsArray();
        // The first sub-network reads the images either way: the same search, the same front.
        Assert.Equal(plainParts[0]!["front"]!.ToJsonString(), mixedParts[0]!["front"]!.ToJsonString());
        Assert.Contains(Enumerable.Range(1, plainParts.Count - 1), k => plainParts[k]!["front"]!.ToJsonString() != mixedParts[k]!["front"]!.ToJsonString());
    }

    [Fact]
    public void WithoutRepairTheCurveIsTheUntrainedOne()
    {
        JsonObject facts = SearchFacts(Small with { HypervolumeRepair = CandidateRepair.None, Generations = 1 });
        Assert.Equal("none", facts["hv_repair"]!.GetValue<string>());
        Assert.Equal(facts["hv_curve"]!.ToJsonString(), facts["hv_curve_untrained"]!.ToJsonString());
        Assert.Equal(0.0, facts["hv_repair_seconds"]!.GetValue<double>());
    }

    [Theory]
    [InlineData(CandidateRepair.ConstraintTraining, "none")]
    [InlineData(CandidateRepair.BatchNormThenConstraintTraining, "batch_norm")]
    [InlineData(CandidateRepair.BatchNorm, "batch_norm")]
    public void WithoutConstraintTrainingTheCandidatesAreNotConstraintTrainedEither(CandidateRepair asked, string applied)
    {
        // The ablation: the curve's candidates get what the chosen network gets, less the training it goes without.
        JsonObject facts = SearchFacts(Small with { ConstraintTraining = false, HypervolumeRepair = asked, Generations = 0 });
        Assert.Equal(applied, facts["hv_repair"]!.GetValue<string>());
    }

    [Fact]
    public void EachParallelSearchSetsItsOwnLibtorchThreadsAndRestoresThem()
    {
        int original = get_num_threads();
        set_num_threads(2); // so that a search's 1 differs from the caller's count
        int before = get_num_threads();
        var seen = new System.Collections.Concurrent.ConcurrentBag<int>();
        var problems = Enumerable.Range(0, 3).Select(i => (ISubNetworkProblem)new ThreadProbe($"p{i}", seen)).ToArray();
        DivideAndConquerSearch.Run(problems, new EmoSearchOptions { PopulationSize = 4, Generations = 1, MaxParallelSearches = 3, ThreadsPerSearch = 1 });
        Assert.All(seen, t => Assert.Equal(1, t));
        Assert.Equal(before, get_num_threads());
        Assert.Equal(9, seen.Count); // 3 searches: the dense reference and 2 generations each
        set_num_threads(original);
    }

    private sealed class ThreadProbe(string name, System.Collections.Concurrent.ConcurrentBag<int> seen) : ISubNetworkProblem
    {
        public string Name => name;
        public int MaskLength => 4;
        public long DenseMacs => 4;
        public long Macs(ReadOnlySpan<bool> mask) => mask.ToArray().Count(b => b);

        public void EvaluateErrors(IReadOnlyList<bool[]> masks, double[] errors)
        {
            seen.Add(get_num_threads());
            for (int i = 0; i < masks.Count; i++) errors[i] = masks[i].Count(b => !b) / 4.0;
        }
    }
}
