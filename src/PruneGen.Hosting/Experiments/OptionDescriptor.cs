using System.Globalization;
using PruneGen.Hosting.Configuration;

namespace PruneGen.Experiments;

/// <summary>
/// One typed option of an experiment: its specification (key, type, default, range, description) and
/// delegates that read and write the property on the options object. No reflection: the generator
/// emits these from attributed option properties; hand-written ones look the same.
/// </summary>
public abstract class OptionDescriptor<TOptions> where TOptions : class
{
    private protected OptionDescriptor(OptionSpec spec) => Spec = spec;

    public OptionSpec Spec { get; }
    public string Key => Spec.Key;

    /// <summary>Writes the option's default into <paramref name="options"/>.</summary>
    public abstract void ApplyDefault(TOptions options);

    /// <summary>Writes a value as produced by <see cref="OptionValueParser"/> (long, double, bool or string).</summary>
    public abstract void SetParsed(TOptions options, object parsed);

    /// <summary>The current value as a YAML scalar (round-trips through <see cref="OptionValueParser"/>).</summary>
    public abstract string FormatYaml(TOptions options);

    /// <summary>The current value as a JSON-friendly object (long, double, bool or string).</summary>
    public abstract object GetPlain(TOptions options);
}

/// <summary>An option whose property has type <typeparamref name="TValue"/>.</summary>
public sealed class OptionDescriptor<TOptions, TValue> : OptionDescriptor<TOptions> where TOptions : class where TValue : notnull
{
    private readonly Func<TOptions, TValue> _get;
    private readonly Action<TOptions, TValue> _set;
    private readonly Func<object, TValue> _fromParsed;
    private readonly Func<TValue, object> _toPlain;

    internal OptionDescriptor(OptionSpec spec, TValue defaultValue, Func<TOptions, TValue> get, Action<TOptions, TValue> set,
        Func<object, TValue> fromParsed, Func<TValue, object> toPlain)
        : base(spec)
    {
        Default = defaultValue;
        _get = get;
        _set = set;
        _fromParsed = fromParsed;
        _toPlain = toPlain;
    }

    public TValue Default { get; }
    public TValue Get(TOptions options) => _get(options);
    public void Set(TOptions options, TValue value) => _set(options, value);

    public override void ApplyDefault(TOptions options) => _set(options, Default);
    public override void SetParsed(TOptions options, object parsed) => _set(options, _fromParsed(parsed));
    public override object GetPlain(TOptions options) => _toPlain(_get(options));
    public override string FormatYaml(TOptions options) => Option.ToYamlScalar(GetPlain(options));
}

/// <summary>Factory methods for option descriptors, one per supported property type.</summary>
public static class Option
{
    public static OptionDescriptor<T, int> Int<T>(string key, Func<T, int> get, Action<T, int> set, int defaultValue,
        string description, int? min = null, int? max = null) where T : class =>
        new(new OptionSpec(key, OptionKind.Integer, description, ToYamlScalar((long)defaultValue), min, max), defaultValue, get, set,
            parsed => checked((int)(long)parsed), v => (long)v);

    public static OptionDescriptor<T, long> Long<T>(string key, Func<T, long> get, Action<T, long> set, long defaultValue,
        string description, long? min = null, long? max = null) where T : class =>
        new(new OptionSpec(key, OptionKind.Integer, description, ToYamlScalar(defaultValue), min, max), defaultValue, get, set,
            parsed => (long)parsed, v => v);

    public static OptionDescriptor<T, double> Double<T>(string key, Func<T, double> get, Action<T, double> set, double defaultValue,
        string description, double? min = null, double? max = null) where T : class =>
        new(new OptionSpec(key, OptionKind.Number, description, ToYamlScalar(defaultValue), min, max), defaultValue, get, set,
            parsed => (double)parsed, v => v);

    public static OptionDescriptor<T, bool> Bool<T>(string key, Func<T, bool> get, Action<T, bool> set, bool defaultValue,
        string description) where T : class =>
        new(new OptionSpec(key, OptionKind.Boolean, description, ToYamlScalar(defaultValue)), defaultValue, get, set,
            parsed => (bool)parsed, v => v);

    public static OptionDescriptor<T, string> Text<T>(string key, Func<T, string> get, Action<T, string> set, string defaultValue,
        string description) where T : class =>
        new(new OptionSpec(key, OptionKind.Text, description, ToYamlScalar(defaultValue)), defaultValue, get, set,
            parsed => (string)parsed, v => v);

    /// <summary>An enum option. The names are passed explicitly (the generator emits them) so no reflection is needed.</summary>
    public static OptionDescriptor<T, TEnum> Choice<T, TEnum>(string key, Func<T, TEnum> get, Action<T, TEnum> set, TEnum defaultValue,
        string description, params (string Name, TEnum Value)[] choices) where T : class where TEnum : struct, Enum
    {
        if (choices.Length == 0) throw new ArgumentException($"option '{key}' needs at least one choice", nameof(choices));
        string NameOf(TEnum value)
        {
            foreach (var (name, v) in choices)
                if (EqualityComparer<TEnum>.Default.Equals(v, value)) return name;
            throw new ArgumentOutOfRangeException(nameof(value), value, $"option '{key}' has no name for this value");
        }
        TEnum ValueOf(object parsed)
        {
            foreach (var (name, v) in choices)
                if (name == (string)parsed) return v;
            throw new ArgumentOutOfRangeException(nameof(parsed), parsed, $"option '{key}' has no choice with this name");
        }
        return new(new OptionSpec(key, OptionKind.Choice, description, NameOf(defaultValue), Choices: choices.Select(c => c.Name).ToArray()),
            defaultValue, get, set, ValueOf, v => NameOf(v));
    }

    /// <summary>A plain value (long, double, bool, string) as a YAML scalar that reads back to the same value and type.</summary>
    public static string ToYamlScalar(object plain) => plain switch
    {
        long l => l.ToString(CultureInfo.InvariantCulture),
        int i => i.ToString(CultureInfo.InvariantCulture),
        // A double must not read back as an integer: 1 -> 1.0.
        double d => OptionValueParser.FormatNumber(d) is var s && (s.Contains('.') || s.Contains('E') || s.Contains('e')) ? s : s + ".0",
        bool b => b ? "true" : "false",
        string s => QuoteIfNeeded(s),
        _ => throw new ArgumentException($"unsupported option value type {plain.GetType().Name}", nameof(plain)),
    };

    private static string QuoteIfNeeded(string s)
    {
        bool plainIsSafe = s.Length > 0
            && s.All(c => char.IsLetterOrDigit(c) || c is '_' or '-' or '.' or '/')
            && !OptionValueParser.IsYamlNull(s)
            && !OptionValueParser.TryParseNumber(s, out _)
            && s is not ("true" or "false" or "True" or "False" or "TRUE" or "FALSE")
            && s[0] is not ('-' or '.');
        if (plainIsSafe) return s;
        return "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n").Replace("\t", "\\t") + "\"";
    }
}
