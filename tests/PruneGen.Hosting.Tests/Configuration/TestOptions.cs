using PruneGen.Experiments;

namespace PruneGen.Hosting.Tests.Configuration;

public enum GateMode { Off, Sample, Hard }

/// <summary>A method's options as the generator would declare them; the descriptors are written by hand here.</summary>
public sealed class TestOptions : ExperimentOptions
{
    public double Nu { get; set; }
    public GateMode Gates { get; set; }
    public string Tag { get; set; } = "";
    public bool Verbose { get; set; }

    public static OptionSchema<TestOptions> Schema { get; } = new(
    [
        .. CommonOptions.Descriptors<TestOptions>(),
        Option.Double<TestOptions>("nu", o => o.Nu, (o, v) => o.Nu = v, 0.5, "pruning strength", min: 0, max: 10),
        Option.Choice<TestOptions, GateMode>("gates", o => o.Gates, (o, v) => o.Gates = v, GateMode.Sample, "gate mode",
            ("off", GateMode.Off), ("sample", GateMode.Sample), ("hard", GateMode.Hard)),
        Option.Text<TestOptions>("tag", o => o.Tag, (o, v) => o.Tag = v, "none", "free text"),
        Option.Bool<TestOptions>("verbose", o => o.Verbose, (o, v) => o.Verbose = v, false, "print more"),
    ]);
}
