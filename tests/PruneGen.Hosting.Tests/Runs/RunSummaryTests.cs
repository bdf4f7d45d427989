using System.Text.Json.Nodes;
using PruneGen.Hosting.Runs;

namespace PruneGen.Hosting.Tests.Runs;

public class RunSummaryTests
{
    private static RunSummary Summary(double? predicted, JsonObject? facts) => new()
    {
        Experiment = "resnet20-mdp", Network = "ResNet20", Method = "mdp", Dataset = "synthetic", Seed = 1, Epochs = 2, Steps = 8,
        TestAccuracy = 0.5, DenseMacs = 100, Macs = 50, DenseParams = 10, Params = 5, LatencyMs = 2.5, LatencyBatch = 2, LatencyRepeats = 1,
        Threads = 1, Libtorch = "1.13.0", WallSeconds = 1, Widths = new Dictionary<string, int> { ["Stage1"] = 8 },
        DenseWidths = new Dictionary<string, int> { ["Stage1"] = 16 }, RemovedBlocks = ["Stage1Block1"],
        PredictedLatencyMs = predicted, Facts = facts,
    };

    [Fact]
    public void Predicted_latency_and_method_facts_round_trip_through_summary_json()
    {
        var facts = new JsonObject { ["pruning"] = new JsonObject { ["solver"] = new JsonObject { ["status"] = "Optimal", ["gap"] = 0.0 } } };
        JsonObject json = Summary(1.25, facts).ToJson();
        Assert.Equal(1.25, (double)json["predicted_latency_ms"]!);
        Assert.Equal(2.5, (double)json["latency_ms"]!);
        Assert.Equal("Optimal", (string?)json["facts"]!["pruning"]!["solver"]!["status"]);

        RunSummary back = RunSummary.FromJson(JsonNode.Parse(json.ToJsonString())!.AsObject());
        Assert.Equal(1.25, back.PredictedLatencyMs);
        Assert.Equal(facts.ToJsonString(), back.Facts!.ToJsonString());
    }

    [Fact]
    public void Methods_without_a_lut_leave_the_predicted_latency_null()
    {
        JsonObject json = Summary(null, null).ToJson();
        Assert.True(json.ContainsKey("predicted_latency_ms"));
        Assert.Null(json["predicted_latency_ms"]);
        RunSummary back = RunSummary.FromJson(json);
        Assert.Null(back.PredictedLatencyMs);
        Assert.Null(back.Facts);
    }
}
