using PruneGen.Hosting.Configuration;

namespace PruneGen.Experiments;

/// <summary>The options of one experiment: the common keys plus its own, with unique keys.</summary>
public sealed class OptionSchema<TOptions> where TOptions : class
{
    private readonly Dictionary<string, OptionDescriptor<TOptions>> _byKey;

    public OptionSchema(IEnumerable<OptionDescriptor<TOptions>> descriptors)
    {
        Descriptors = descriptors.ToArray();
        _byKey = new Dictionary<string, OptionDescriptor<TOptions>>(StringComparer.Ordinal);
        foreach (OptionDescriptor<TOptions> d in Descriptors)
        {
            if (!IsSnakeCase(d.Key)) throw new ArgumentException($"option key '{d.Key}' is not snake_case (lower-case letters, digits, underscores)");
            if (!_byKey.TryAdd(d.Key, d)) throw new ArgumentException($"option key '{d.Key}' is declared twice");
        }
        Specs = Descriptors.Select(d => d.Spec).ToArray();
    }

    public IReadOnlyList<OptionDescriptor<TOptions>> Descriptors { get; }
    public IReadOnlyList<OptionSpec> Specs { get; }

    public OptionDescriptor<TOptions>? Find(string key) => _byKey.GetValueOrDefault(key);

    public static bool IsSnakeCase(string key) =>
        key.Length > 0 && char.IsAsciiLetterLower(key[0]) && key.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_');
}
