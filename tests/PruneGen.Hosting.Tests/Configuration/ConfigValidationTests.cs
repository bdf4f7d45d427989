using PruneGen.Hosting.Configuration;

namespace PruneGen.Hosting.Tests.Configuration;

public class ConfigValidationTests
{
    private static ConfigBinding Check(string yaml, params string[] sets) =>
        ConfigValidator.Validate(TestOptions.Schema.Specs, [YamlConfigReader.ReadText(yaml, "exp.yaml"), SetArguments.Parse(sets)]);

    private static ConfigDiagnostic Single(ConfigBinding binding) => Assert.Single(binding.Diagnostics);

    [Fact]
    public void Valid_file_binds_typed_values_with_their_origin()
    {
        ConfigBinding b = Check("epochs: 3\nlr: 0.05\ngates: hard\ntag: \"5\"\nverbose: true\n");
        Assert.False(b.HasErrors);
        Assert.Equal(3L, b.Values["epochs"].Value);
        Assert.Equal(0.05, b.Values["lr"].Value);
        Assert.Equal("hard", b.Values["gates"].Value);
        Assert.Equal("5", b.Values["tag"].Value); // quoted: text, not a number
        Assert.Equal(true, b.Values["verbose"].Value);
        Assert.Equal(SourceLocation.InFile("exp.yaml", 2, 5), b.Values["lr"].Origin);
    }

    [Fact]
    public void Unknown_key_reports_file_line_column_and_a_suggestion()
    {
        ConfigDiagnostic d = Single(Check("epochs: 3\n  \nbatchsize: 64\n"));
        Assert.Equal(ConfigErrorCodes.UnknownKey, d.Code);
        Assert.Equal(SourceLocation.InFile("exp.yaml", 3, 1), d.Location);
        Assert.Contains("'batchsize'", d.Message);
        Assert.Contains("did you mean 'batch_size'", d.Message);
        Assert.StartsWith("exp.yaml(3,1): error PGC002:", d.ToString());
    }

    [Theory]
    [InlineData("epochs: three\n", "epochs", 1, 9, "integer")]
    [InlineData("lr: fast\n", "lr", 1, 5, "number")]
    [InlineData("verbose: yes\n", "verbose", 1, 10, "true or false")]
    [InlineData("epochs: \"3\"\n", "epochs", 1, 9, "integer")]
    [InlineData("seed: 1.5\n", "seed", 1, 7, "integer")]
    [InlineData("epochs:\n", "epochs", 1, 1, "empty")]
    public void Wrong_type_points_at_the_value(string yaml, string key, int line, int column, string expected)
    {
        ConfigDiagnostic d = Single(Check(yaml));
        Assert.Equal(ConfigErrorCodes.WrongType, d.Code);
        Assert.Equal(SourceLocation.InFile("exp.yaml", line, column), d.Location);
        Assert.Contains($"'{key}'", d.Message);
        Assert.Contains(expected, d.Message);
    }

    [Theory]
    [InlineData("epochs: 0\n", "integer in [1, 100000]")]
    [InlineData("nu: 11\n", "number in [0, 10]")]
    [InlineData("momentum: -0.1\n", "number in [0, 1]")]
    [InlineData("gates: sampel\n", "did you mean 'sample'")]
    public void Out_of_range_names_the_allowed_range(string yaml, string expected)
    {
        ConfigDiagnostic d = Single(Check("# comment line\n" + yaml));
        Assert.Equal(ConfigErrorCodes.OutOfRange, d.Code);
        Assert.Equal(2, d.Location.Line);
        Assert.Contains(expected, d.Message);
    }

    [Fact]
    public void Non_scalar_value_is_a_shape_error_at_the_value()
    {
        ConfigDiagnostic d = Single(Check("epochs:\n  - 1\n  - 2\n"));
        Assert.Equal(ConfigErrorCodes.BadShape, d.Code);
        Assert.Equal(SourceLocation.InFile("exp.yaml", 2, 3), d.Location);
    }

    [Fact]
    public void Root_that_is_not_a_mapping_is_a_shape_error()
    {
        ConfigDiagnostic d = Single(Check("- epochs\n- 3\n"));
        Assert.Equal(ConfigErrorCodes.BadShape, d.Code);
        Assert.Equal(1, d.Location.Line);
    }

    [Fact]
    public void Duplicate_key_is_reported_with_its_position()
    {
        ConfigDiagnostic d = Single(Check("epochs: 3\nlr: 0.1\nepochs: 4\n"));
        Assert.Equal(ConfigErrorCodes.DuplicateKey, d.Code);
        Assert.Equal(3, d.Location.Line);
    }

    [Fact]
    public void Syntax_error_carries_yaml_line_and_column()
    {
        ConfigDiagnostic d = Single(Check("epochs: 3\nlr: [0.1\nseed: 2\n"));
        Assert.Equal(ConfigErrorCodes.Syntax, d.Code);
        Assert.True(d.Location.Line >= 2, d.ToString());
        Assert.True(d.Location.Column >= 1, d.ToString());
        Assert.Equal("exp.yaml", d.Location.Source);
    }

    [Fact]
    public void Every_error_is_reported_not_just_the_first()
    {
        ConfigBinding b = Check("epochs: x\nfoo: 1\nnu: 99\n", "lr=abc");
        Assert.Equal(
            [ConfigErrorCodes.WrongType, ConfigErrorCodes.UnknownKey, ConfigErrorCodes.OutOfRange, ConfigErrorCodes.WrongType],
            b.Diagnostics.Select(d => d.Code));
        var e = Assert.Throws<ConfigException>(() => b.ThrowIfErrors());
        Assert.Equal(4, e.Diagnostics.Count);
    }

    [Fact]
    public void Set_overrides_the_file_and_types_values_the_same_way()
    {
        ConfigBinding b = Check("epochs: 3\nlr: 0.1\n", "epochs=7", "tag='42'", "verbose=false");
        Assert.False(b.HasErrors);
        Assert.Equal(7L, b.Values["epochs"].Value);
        Assert.Equal("--set epochs=7", b.Values["epochs"].Origin.ToString());
        Assert.Equal(0.1, b.Values["lr"].Value);
        Assert.Equal("42", b.Values["tag"].Value);
        Assert.Equal(false, b.Values["verbose"].Value);
    }

    [Theory]
    [InlineData("epochs", ConfigErrorCodes.BadShape, "expected key=value")]
    [InlineData("=3", ConfigErrorCodes.BadShape, "key before '=' is missing")]
    [InlineData("epochs=\"3\"", ConfigErrorCodes.WrongType, "expects an integer")]
    [InlineData("epoch=3", ConfigErrorCodes.UnknownKey, "did you mean 'epochs'")]
    [InlineData("batch_size=0", ConfigErrorCodes.OutOfRange, "integer in [1, 65536]")]
    [InlineData("epochs=", ConfigErrorCodes.WrongType, "empty")]
    public void Set_errors_carry_the_argument(string argument, string code, string expected)
    {
        ConfigDiagnostic d = Single(Check("", argument));
        Assert.Equal(code, d.Code);
        Assert.Equal(argument, d.Location.Argument);
        Assert.Contains(expected, d.Message);
        Assert.StartsWith($"--set {argument}: error {code}", d.ToString());
    }

    [Fact]
    public void Set_value_may_contain_equals_signs_and_spaces_around()
    {
        ConfigSource s = SetArguments.Parse(["tag = a=b "]);
        ConfigEntry e = Assert.Single(s.Entries);
        Assert.Equal("tag", e.Key);
        Assert.Equal("a=b", e.Text);
    }

    [Fact]
    public void Reserved_keys_are_left_to_the_caller()
    {
        ConfigBinding b = ConfigValidator.Validate(TestOptions.Schema.Specs,
            [YamlConfigReader.ReadText("experiment: demo\nepochs: 2\n", "c.yaml")], reservedKeys: ["experiment"]);
        Assert.False(b.HasErrors);
        Assert.Single(b.Values);
    }

    [Fact]
    public void Empty_or_comment_only_file_is_valid()
    {
        Assert.False(Check("").HasErrors);
        Assert.False(Check("# nothing here\n").HasErrors);
    }

    [Fact]
    public void Missing_file_is_reported()
    {
        ConfigSource s = YamlConfigReader.ReadFile("/nonexistent/config.yaml");
        Assert.Contains("does not exist", Assert.Single(s.Diagnostics).Message);
    }
}
