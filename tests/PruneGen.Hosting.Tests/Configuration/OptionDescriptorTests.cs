using PruneGen.Experiments;
using PruneGen.Hosting.Configuration;

namespace PruneGen.Hosting.Tests.Configuration;

public class OptionDescriptorTests
{
    [Theory]
    [InlineData("tag", "true")]   // text that YAML would read as a boolean
    [InlineData("tag", "0.5")]    // ... as a number
    [InlineData("tag", "")]       // ... as null
    [InlineData("tag", "a: b # c")]
    [InlineData("tag", "plain-text_1")]
    public void Text_values_round_trip_through_yaml(string key, string value)
    {
        var options = new TestOptions();
        var d = TestOptions.Schema.Find(key)!;
        d.SetParsed(options, value);
        ConfigBinding b = ConfigValidator.Validate(TestOptions.Schema.Specs, [YamlConfigReader.ReadText($"{key}: {d.FormatYaml(options)}\n", "x.yaml")]);
        Assert.False(b.HasErrors, string.Join("; ", b.Diagnostics));
        Assert.Equal(value, b.Values[key].Value);
    }

    [Fact]
    public void Whole_numbers_of_real_options_stay_real()
    {
        var options = new TestOptions { Nu = 1 };
        Assert.Equal("1.0", TestOptions.Schema.Find("nu")!.FormatYaml(options));
        options.Nu = 1e-5;
        Assert.Equal("1E-05", TestOptions.Schema.Find("nu")!.FormatYaml(options));
    }

    [Fact]
    public void Defaults_apply_and_choices_map_to_enum_values()
    {
        var options = new TestOptions();
        foreach (var d in TestOptions.Schema.Descriptors) d.ApplyDefault(options);
        Assert.Equal(0.5, options.Nu);
        Assert.Equal(GateMode.Sample, options.Gates);
        Assert.Equal(10, options.Epochs);
        TestOptions.Schema.Find("gates")!.SetParsed(options, "hard");
        Assert.Equal(GateMode.Hard, options.Gates);
        Assert.Equal("hard", TestOptions.Schema.Find("gates")!.GetPlain(options));
    }

    [Fact]
    public void Schema_rejects_bad_and_duplicate_keys()
    {
        Assert.Throws<ArgumentException>(() => new OptionSchema<TestOptions>(
            [Option.Int<TestOptions>("Epochs", o => o.Epochs, (o, v) => o.Epochs = v, 1, "x")]));
        Assert.Throws<ArgumentException>(() => new OptionSchema<TestOptions>(
        [
            Option.Int<TestOptions>("epochs", o => o.Epochs, (o, v) => o.Epochs = v, 1, "x"),
            Option.Int<TestOptions>("epochs", o => o.Epochs, (o, v) => o.Epochs = v, 1, "x"),
        ]));
    }
}
